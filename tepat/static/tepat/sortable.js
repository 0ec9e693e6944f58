// Sortable tables: every <table data-sortable> gets a button in each column header; a click sorts
// the body rows by that column (the cell's data-sort value when it has one, else its text; numbers
// as numbers), again to reverse. The header says the order to assistive technology (aria-sort).
(function () {
  "use strict";
  function key(cell) {
    var raw = cell ? (cell.getAttribute("data-sort") ?? cell.textContent.trim()) : "";
    var number = Number(raw);
    return raw !== "" && !Number.isNaN(number) ? { n: number } : { s: raw.toLocaleLowerCase() };
  }
  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) return a.n - b.n;
    if (a.n !== undefined) return -1;
    if (b.n !== undefined) return 1;
    return a.s.localeCompare(b.s, undefined, { numeric: true });
  }
  function sort(table, index, th) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.from(body.rows).filter(function (row) { return row.cells.length > index; });
    rows.sort(function (r1, r2) {
      var order = compare(key(r1.cells[index]), key(r2.cells[index]));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  function enable(table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sort(table, index, th); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-sortable]").forEach(enable);
  });
})();
