// Progressive enhancement for section pages: warn before leaving with unsaved answers, and send
// a form once however often its button is pressed. Nothing depends on it; without JavaScript the
// pages work the same (a repeated submission is recognised by the server), just without these.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
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
