// Contacts list: "select all" checkbox and the bulk bar's counter. Plain JS, no framework.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches("[data-select-all]")) {
    document.querySelectorAll("input[name=ids]").forEach(function (b) { b.checked = box.checked; });
  }
  if (box.matches("[data-select-all], input[name=ids]")) {
    var n = document.querySelectorAll("input[name=ids]:checked").length;
    var out = document.querySelector("[data-selected-count]");
    if (out) { out.textContent = n; }
  }
});
