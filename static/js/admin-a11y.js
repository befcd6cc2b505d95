/* Accessible names and structure for what the administration's widgets leave unnamed, on
   every admin page. Runs again whenever the page changes (autocomplete widgets re-render,
   inline rows are added) and when the window is resized.

   - A field without a label of its own (the columns of a tabular inline, the date and time
     halves of a date-time field) is named after its column header or its field's label.
   - The autocomplete widgets (select2) take the name of their field.
   - A multiple choice keeps only list items in its list (its clear button moves out).
   - The filter icons of the two-box selectors are images, as their label says.
   - An empty header cell of an inline table becomes a plain cell.
   - An inline table wider than the screen scrolls in a region that the keyboard can reach. */
(function () {
  "use strict";

  function text(element) {
    return element ? element.textContent.replace(/[:*?]/g, "").replace(/\s+/g, " ").trim() : "";
  }

  function labelOf(control) {
    return control.id ? document.querySelector('label[for="' + control.id + '"]') : null;
  }

  function columnHeader(control) {
    var cell = control.closest("td");
    if (!cell) return "";
    var match = /(?:^|\s)field-([\w-]+)/.exec(cell.className);
    var table = cell.closest("table");
    if (!table || !table.tHead) return "";
    if (match) return text(table.tHead.querySelector("th.column-" + match[1]));
    var header = table.tHead.rows[0] && table.tHead.rows[0].cells[cell.cellIndex];
    return header && header.tagName === "TH" ? text(header) : "";
  }

  function fieldName(control) {
    var label = labelOf(control);
    if (label && text(label)) return text(label);
    var header = columnHeader(control);
    if (header) return header;
    var row = control.closest(".form-row, .fieldBox");
    var fieldLabel = row && row.querySelector("label");
    return fieldLabel ? text(fieldLabel) : "";
  }

  function hasName(control) {
    return control.getAttribute("aria-label") || control.getAttribute("aria-labelledby") ||
      (labelOf(control) && text(labelOf(control)));
  }

  function nameUnlabelledFields() {
    var controls = document.querySelectorAll(
      "#content-main input:not([type=hidden]), #content-main select, #content-main textarea"
    );
    controls.forEach(function (control) {
      if (hasName(control) || control.closest(".select2-container")) return;
      var name = fieldName(control);
      var part = control.closest("p.datetime") && control.previousSibling;
      if (part && part.nodeType === Node.TEXT_NODE && text(part)) {
        name = name ? name + " – " + text(part) : text(part);
      }
      if (name) control.setAttribute("aria-label", name);
    });
  }

  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) return;
      var label = labelOf(select);
      var name = fieldName(select) || select.getAttribute("aria-label") || "";
      var combobox = container.querySelector('.select2-selection[role="combobox"]');
      var rendered = container.querySelector(".select2-selection__rendered");
      if (combobox && label) {
        if (!label.id) label.id = select.id + "_label";
        var ids = [label.id];
        if (rendered && rendered.id) ids.push(rendered.id);
        var names = ids.join(" ");
        if (combobox.getAttribute("aria-labelledby") !== names) combobox.setAttribute("aria-labelledby", names);
        if (rendered && rendered.id && rendered.getAttribute("aria-labelledby") !== names) {
          rendered.setAttribute("aria-labelledby", names);
        }
      } else if (combobox && name) {
        if (combobox.getAttribute("aria-label") !== name) combobox.setAttribute("aria-label", name);
        if (combobox.hasAttribute("aria-labelledby")) combobox.removeAttribute("aria-labelledby");
        if (rendered && rendered.getAttribute("aria-label") !== name) rendered.setAttribute("aria-label", name);
      }
      container.querySelectorAll(".select2-search__field").forEach(function (input) {
        if (name && input.getAttribute("aria-label") !== name) input.setAttribute("aria-label", name);
      });
      container.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
        Array.prototype.forEach.call(list.children, function (child) {
          if (child.tagName !== "LI") list.parentNode.insertBefore(child, list);
        });
      });
    });
  }

  function tidyWidgets() {
    document.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    document.querySelectorAll(".inline-group thead th").forEach(function (header) {
      if (text(header) || header.querySelector("img[alt]")) return;
      var cell = document.createElement("td");
      cell.className = header.className;
      header.replaceWith(cell);
    });
  }

  function reachScrollingInlines() {
    document.querySelectorAll(".inline-group").forEach(function (group) {
      var scrolls = group.scrollWidth > group.clientWidth + 1;
      if (scrolls && !group.hasAttribute("tabindex")) {
        group.setAttribute("tabindex", "0");
        var heading = group.querySelector("h2[id]");
        group.setAttribute("role", "region");
        if (heading) group.setAttribute("aria-labelledby", heading.id);
      } else if (!scrolls && group.getAttribute("tabindex") === "0") {
        group.removeAttribute("tabindex");
        group.removeAttribute("role");
        group.removeAttribute("aria-labelledby");
      }
    });
  }

  function run() {
    nameUnlabelledFields();
    nameAutocompletes();
    tidyWidgets();
    reachScrollingInlines();
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      run();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    run();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", schedule);
  });
})();
