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

  /* A part of the page that htmx could not fetch again (the server failed or the network is
     down) says so in the page's messages, instead of staying silently as it was. */
  function showUpdateError() {
    var gettext = window.gettext || function (text) { return text; };
    var main = document.getElementById("main");
    if (!main) return;
    var region = main.querySelector(".messages");
    if (!region) {
      region = document.createElement("div");
      region.className = "messages";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      main.prepend(region);
    }
    if (region.querySelector(".message-update-error")) return;
    var message = document.createElement("p");
    message.className = "message message-error message-update-error";
    message.textContent = gettext("This part of the page could not be updated. Please try again.");
    region.append(message);
  }

  document.addEventListener("DOMContentLoaded", setUpMenu);
  document.addEventListener("htmx:responseError", showUpdateError);
  document.addEventListener("htmx:sendError", showUpdateError);
})();
