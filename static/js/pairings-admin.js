/* Gives the admin's autocomplete widgets (select2) the accessible name of their field's
   label: the combobox is labelled by the field label and the current choice, and the search
   box of a multiple choice by the field label. Runs again whenever the widgets re-render. */
(function () {
  "use strict";

  function labelFor(select) {
    return select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
  }

  function relabel() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = labelFor(select);
      var container = select.nextElementSibling;
      if (!label || !container || !container.classList.contains("select2")) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "_label";
      }
      var combobox = container.querySelector('.select2-selection[role="combobox"]');
      if (combobox) {
        var rendered = container.querySelector(".select2-selection__rendered");
        var ids = [label.id];
        if (rendered && rendered.id) {
          ids.push(rendered.id);
        }
        if (combobox.getAttribute("aria-labelledby") !== ids.join(" ")) {
          combobox.setAttribute("aria-labelledby", ids.join(" "));
        }
        if (rendered && rendered.id && rendered.getAttribute("aria-labelledby") !== ids.join(" ")) {
          rendered.setAttribute("aria-labelledby", ids.join(" "));
        }
      }
      container.querySelectorAll(".select2-search__field").forEach(function (input) {
        var name = label.textContent.replace(/[:*]/g, "").trim();
        if (input.getAttribute("aria-label") !== name) {
          input.setAttribute("aria-label", name);
        }
      });
    });
  }

  var pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        relabel();
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    relabel();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
})();
