// Mentions in a discussion: a click on a member's name in the list puts "@Name " into the
// message at the cursor. Without script the list still says whom one may mention.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-mention]");
    if (!button) return;
    var form = button.closest("form");
    var area = form && form.querySelector("textarea[data-mention-target]");
    if (!area) return;
    var text = "@" + button.getAttribute("data-mention") + " ";
    var start = area.selectionStart || 0;
    var end = area.selectionEnd || 0;
    var before = area.value.slice(0, start);
    if (before && !/\s$/.test(before)) text = " " + text;
    area.value = before + text + area.value.slice(end);
    var at = (before + text).length;
    area.focus();
    area.setSelectionRange(at, at);
  });
})();
