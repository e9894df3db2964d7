// Small progressive enhancements shared by every page. Pages work without it.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-toggle-sidebar]");
  if (toggle) {
    const open = document.body.classList.toggle("sidebar-open");
    toggle.setAttribute("aria-expanded", String(open));
    return;
  }
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    navigator.clipboard?.writeText(copy.dataset.copy).then(() => {
      const old = copy.textContent;
      copy.textContent = copy.dataset.copied || "Copied";
      setTimeout(() => { copy.textContent = old; }, 1500);
    });
  }
  if (document.body.classList.contains("sidebar-open") && !event.target.closest(".sidebar")) {
    document.body.classList.remove("sidebar-open");
  }
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
// <select data-autosubmit>: a filter that applies as soon as it is chosen (no inline onchange: CSP).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.submit();
});
