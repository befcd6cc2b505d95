/* Fills a new pairing's address from its cities and its edition's years as they are chosen
   ("busan-barcelona-2017-2018"), until someone types an address of their own. Left empty,
   the server makes the same address. */
(function () {
  "use strict";

  function slugify(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
  }

  function chosenText(select) {
    var option = select && select.selectedOptions[0];
    return option && option.value ? option.textContent.trim() : "";
  }

  function years(text) {
    var found = text.match(/\d{4}/g);
    return found ? found.slice(0, 2).join("-") : "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var slug = document.getElementById("id_slug");
    var eu = document.getElementById("id_eu_lead");
    var partner = document.getElementById("id_partner_lead");
    var edition = document.getElementById("id_edition");
    if (!slug || !eu || !partner || slug.value) return;
    var typed = false;
    slug.addEventListener("input", function () { typed = slug.value !== ""; });

    function fill() {
      if (typed) return;
      var parts = [chosenText(partner), chosenText(eu)];
      if (!parts[0] || !parts[1]) return;
      parts.push(years(chosenText(edition)));
      slug.value = slugify(parts.join("-")).slice(0, 200);
    }

    // The autocomplete widgets tell their changes through jQuery's events.
    var $ = window.django && window.django.jQuery;
    [eu, partner, edition].forEach(function (select) {
      if (!select) return;
      select.addEventListener("change", fill);
      if ($) $(select).on("change", fill);
    });
  });
})();
