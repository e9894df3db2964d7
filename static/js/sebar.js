// Small progressive enhancements shared by every page. Pages work without it.
// The site's Content-Security-Policy allows no inline script or handler (onclick=, onchange=, hx-on), so
// behaviour hangs on data- attributes handled here, by event delegation (it also covers htmx-swapped HTML).
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-toggle-sidebar]");
  if (toggle) {
    const open = document.body.classList.toggle("sidebar-open");
    toggle.setAttribute("aria-expanded", String(open));
    return;
  }
  // <button data-copy>: static/js/copy.js.
  // <button data-print>: prints the page (the QR sheet, the printable invoice).
  if (event.target.closest("[data-print]")) window.print();
  if (document.body.classList.contains("sidebar-open") && !event.target.closest(".sidebar")) {
    document.body.classList.remove("sidebar-open");
  }
});
// data-confirm="question" on a form, or on the one submit button that needs it (a bulk bar's Delete):
// asks before the form leaves. Capture phase, so a refusal also stops htmx's own submit handler.
document.addEventListener("submit", (event) => {
  const message = event.submitter?.dataset.confirm || event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
// <select data-autosubmit>: a filter that applies as soon as it is chosen.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.submit();
});
// <form hx-post data-reset-on-success>: empties the form once htmx's request succeeded (the inbox composer).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (event.detail.successful && form instanceof HTMLFormElement && form.matches("[data-reset-on-success]")) {
    form.reset();
  }
});
// <tbody hx-get hx-trigger="every 5s" data-poll-pause="details[open], :focus">: skips a poll while something
// inside matches (an open menu, a focused field), so the refresh never closes what the user is using. An htmx
// trigger filter ([…]) would say the same, but htmx evaluates those with eval, which the CSP forbids.
document.addEventListener("htmx:beforeRequest", (event) => {
  const poller = event.detail.elt;
  const pause = poller.dataset?.pollPause;
  if (pause && poller.querySelector(pause)) event.preventDefault();
});
