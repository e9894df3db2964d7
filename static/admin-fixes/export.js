// django-import-export's export page (templates/admin/import_export/export.html): "Select all" ticks or unticks
// every field. The library wires it with an inline onchange, which the Content-Security-Policy refuses.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[name=select-all-toggle]").forEach((toggle) => {
    toggle.addEventListener("change", () => {
      document.querySelectorAll(".selectable-field-export-row input[type=checkbox]").forEach((box) => {
        box.checked = toggle.checked;
      });
    });
  });
});
