// <button data-copy="897000" data-copied="Copied">: puts data-copy on the clipboard and says so for a moment.
// navigator.clipboard needs a secure context (HTTPS or localhost); elsewhere, or when the browser refuses, a
// hidden textarea and execCommand("copy") do it. When both fail the button says data-copy-failed, if given.
// Loaded on every page (base.html): invitation links, rotator links and the invoice's account and amount.
(() => {
  function fallbackCopy(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "copy-buffer";
    document.body.appendChild(area);
    area.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    area.remove();
    return done;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(() => true, () => fallbackCopy(text));
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function flash(button, text, ok) {
    if (!text) return;
    if (!button.dataset.copyLabel) button.dataset.copyLabel = button.textContent;
    clearTimeout(button.copyTimer);
    button.textContent = text;
    button.classList.toggle("copied", ok);
    button.copyTimer = setTimeout(() => {
      button.textContent = button.dataset.copyLabel;
      button.classList.remove("copied");
    }, 1500);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    event.preventDefault();
    copyText(button.dataset.copy).then((ok) => {
      flash(button, ok ? button.dataset.copied || "Copied" : button.dataset.copyFailed, ok);
    });
  });
})();
