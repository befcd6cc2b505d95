// The application form offers only the topics of the thematic areas ticked. Unticking an area
// unticks and hides its topics before the form is saved, so what autosave sends is consistent.
// Without script every topic shows, and the server refuses a topic whose area is not ticked.
(function () {
  "use strict";

  function narrow(form, areaOf) {
    var ticked = {};
    form.querySelectorAll('input[name="thematic_areas"]').forEach(function (box) {
      if (box.checked) ticked[box.value] = true;
    });
    form.querySelectorAll('input[name="topics"]').forEach(function (box) {
      var offered = ticked[String(areaOf[box.value])] === true;
      if (!offered) box.checked = false;
      // Each choice is a <div> holding its <label> and checkbox.
      var choice = box.closest("div");
      if (choice) choice.hidden = !offered;
    });
  }

  document.querySelectorAll("form[data-topic-areas]").forEach(function (form) {
    var source = document.getElementById(form.getAttribute("data-topic-areas"));
    if (!source) return;
    var areaOf = JSON.parse(source.textContent);
    // In the capture phase: before htmx, listening on the form, reads it to save it.
    form.addEventListener(
      "change",
      function (event) {
        if (event.target.name === "thematic_areas") narrow(form, areaOf);
      },
      true
    );
    narrow(form, areaOf);
  });
})();
