// Progressive enhancement for section pages: warn before leaving with unsaved answers, send a
// form once however often its button is pressed, and count down the characters left in each
// text box with a limit. Nothing depends on it; without JavaScript the pages work the same (a
// repeated submission is recognised by the server, each hint states its limit), just without
// these.
(function () {
  "use strict";

  // Quiet (milliseconds) before a screen reader hears the count: not after every key.
  var ANNOUNCE_AFTER_MS = 1000;

  function countMessage(left) {
    var number = Math.abs(left).toLocaleString("en-GB");
    var characters = Math.abs(left) === 1 ? " character" : " characters";
    return left >= 0
      ? "You have " + number + characters + " remaining"
      : "You have " + number + characters + " too many";
  }

  // Under each text box with a maxlength: the count, shown at once (hidden from screen readers,
  // which hear the same words from a polite live region once typing pauses). The value counts a
  // line break as one character, as maxlength does, and so does the server.
  function addCounter(box) {
    var limit = parseInt(box.getAttribute("maxlength"), 10);
    if (!limit || !box.id) {
      return;
    }
    var shown = document.createElement("div");
    shown.className = "form-text character-count";
    shown.id = box.id + "_count";
    shown.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("div");
    spoken.className = "visually-hidden";
    spoken.id = box.id + "_count_status";
    spoken.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", spoken);
    box.insertAdjacentElement("afterend", shown);
    var timer = null;
    function update() {
      var left = limit - box.value.length;
      shown.textContent = countMessage(left);
      shown.classList.toggle("text-danger", left < 0);
      shown.classList.toggle("fw-semibold", left < 0);
    }
    update();
    box.addEventListener("input", function () {
      update();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        spoken.textContent = countMessage(limit - box.value.length);
      }, ANNOUNCE_AFTER_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form textarea[maxlength]").forEach(addCounter);
    var form = document.querySelector("form[data-section-form]");
    if (!form) {
      return;
    }
    // On an error, conflict or restored page the answers shown are not all saved yet.
    var changed = form.hasAttribute("data-unsaved");
    var sending = false;
    form.addEventListener("input", function () {
      changed = true;
    });
    form.addEventListener("change", function () {
      changed = true;
    });
    form.addEventListener("submit", function (event) {
      if (sending) {
        event.preventDefault();
        return;
      }
      sending = true;
      changed = false;
    });
    // Back to the page from the browser's cache: it can be sent again.
    window.addEventListener("pageshow", function () {
      sending = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (changed) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
