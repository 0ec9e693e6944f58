// Rule editor picker: a button with data-insert puts its text at the cursor of the rule box, one
// with data-replace replaces the whole rule; then the box's input event refreshes the preview (htmx).
(function () {
  "use strict";
  function box() { return document.querySelector("textarea[data-testid=rule-text]"); }
  function changed(area) {
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-insert], button[data-replace]");
    var area = box();
    if (!button || !area) return;
    if (button.hasAttribute("data-replace")) {
      area.value = button.getAttribute("data-replace");
    } else {
      var text = button.getAttribute("data-insert");
      var start = area.selectionStart ?? area.value.length, end = area.selectionEnd ?? start;
      var before = area.value.slice(0, start), after = area.value.slice(end);
      var pad = before && !/\s$/.test(before) ? " " : "";
      area.value = before + pad + text + after;
      area.selectionStart = area.selectionEnd = (before + pad + text).length;
    }
    changed(area);
  });
})();
