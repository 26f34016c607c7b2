// Application form: a field shown only when another field has given values (visible_if) is hidden
// while it does not apply. Without JavaScript every field shows, with a note; the server decides anyway.
(function () {
  "use strict";
  function chosen(form, key) {
    return Array.from(form.querySelectorAll("[name='" + key + "']"))
      .filter(function (input) { return input.type !== "checkbox" && input.type !== "radio" || input.checked; })
      .map(function (input) { return input.value; });
  }
  function update(form) {
    form.querySelectorAll("[data-visible-if]").forEach(function (row) {
      var values = JSON.parse(row.dataset.visibleValues || "[]");
      var shown = chosen(form, row.dataset.visibleIf).some(function (v) { return values.indexOf(v) >= 0; });
      row.hidden = !shown;
      row.style.display = shown ? "" : "none";  // .form-row sets display, which beats [hidden]
    });
  }
  document.querySelectorAll("form.application-form").forEach(function (form) {
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();
