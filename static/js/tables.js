// Tables on phones: each row becomes a small card of "label: value" lines instead of a table clipped at the
// card's edge. The labels come from the table's own header, so templates stay plain tables; a table that is a
// real grid (a mapping, a permission matrix) opts out with data-no-stack. Without JS, tables scroll sideways.
function stackTables(root) {
  root.querySelectorAll("table.table:not([data-no-stack]):not(.table-stacked)").forEach((table) => {
    const labels = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    if (!labels.length) return;
    table.querySelectorAll("tbody tr").forEach((row) => {
      let column = 0;
      Array.from(row.children).forEach((cell) => {
        // A cell spanning the whole row (an empty-state message) is not one column's value: no label.
        const whole = (cell.colSpan || 1) >= labels.length && labels.length > 1;
        if (labels[column] && !whole && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", labels[column]);
        }
        column += cell.colSpan || 1;
      });
    });
    table.classList.add("table-stacked");
  });
}
document.addEventListener("DOMContentLoaded", () => stackTables(document));
// htmx swaps in new rows (live recipients, chat lists): label them too.
document.addEventListener("htmx:afterSettle", (event) => {
  const table = event.target.closest && event.target.closest("table.table-stacked");
  if (table) table.classList.remove("table-stacked");
  stackTables(table ? table.parentNode : event.target);
});
