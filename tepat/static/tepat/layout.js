// Wide tables never widen the page: every <table class="data"> not already inside a .table-scroll is
// wrapped in one (it scrolls sideways inside its card, with a shadow cue), which the keyboard can
// focus and scroll (tabindex=0) and which screen readers announce by the table's heading.
(function () {
  "use strict";
  function heading(table) {
    var caption = table.querySelector("caption");
    if (caption) return caption.textContent.trim();
    for (var node = table.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-4]$/.test(node.tagName)) return node.textContent.trim();
    }
    var card = table.closest("section, .card");
    var title = card && card.querySelector("h1, h2, h3");
    return title ? title.textContent.trim() : document.title.split("·")[0].trim();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.data").forEach(function (table) {
      if (table.closest(".table-scroll")) return;
      var box = document.createElement("div");
      box.className = "table-scroll";
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", heading(table));
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  });
})();
