/* Header menus are <details> disclosures and work without this script. With it, they behave as
   people expect of a menu: Escape closes the open one and puts focus back on its summary, a click
   outside closes it, and opening one closes the other. Loaded with `defer`; no inline script. */
(function () {
  "use strict";

  var menus = Array.prototype.slice.call(document.querySelectorAll("details[data-menu]"));
  if (!menus.length) {
    return;
  }

  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except && menu.open) {
        menu.open = false;
      }
    });
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) {
        closeAll(menu);
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    menus.forEach(function (menu) {
      if (!menu.open) {
        return;
      }
      var hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) {
        menu.querySelector("summary").focus();
      }
    });
  });

  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
})();
