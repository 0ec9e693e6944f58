// Behaviour shared by every page (no inline script: the Content-Security-Policy forbids it).
// Navigation menus are <details>: one open at a time, closed by a click elsewhere or Escape.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") document.querySelectorAll("details.menu[open]").forEach((menu) => menu.removeAttribute("open"));
});
// <select data-autosubmit> sends its form when the choice changes (instead of an inline onchange).
document.addEventListener("change", (event) => {
  if (event.target.matches && event.target.matches("select[data-autosubmit]") && event.target.form) event.target.form.submit();
});
