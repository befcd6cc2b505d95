/* The site's own behaviour, small on purpose: every page works without it. */
(function () {
  "use strict";

  /* Below the layout's breakpoint the menus fold behind one button. Without this script the
     button stays hidden and the menus stay open. */
  function setUpMenu() {
    var toggle = document.querySelector(".menu-toggle");
    if (!toggle) return;
    var header = toggle.closest(".site-header");
    header.classList.add("menu-collapsible");
    toggle.hidden = false;

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    }

    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", setUpMenu);
})();
