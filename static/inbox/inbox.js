/* Inbox behaviour: keep the conversation scrolled to the newest message (unless the agent scrolled up),
   insert quick replies into the composer, send with Ctrl/Cmd+Enter, pick a "Send later" time. */
(function () {
  function pane() { return document.getElementById("messages"); }
  function toBottom(el) { el.scrollTop = el.scrollHeight; }
  var stick = true;
  document.addEventListener("DOMContentLoaded", function () {
    var el = pane();
    if (el) {
      toBottom(el);
      el.addEventListener("scroll", function () { stick = el.scrollHeight - el.scrollTop - el.clientHeight < 80; });
    }
    var quick = document.querySelector("[data-quick-replies]");
    if (quick) {
      quick.addEventListener("change", function () {
        var box = document.querySelector(".composer textarea");
        if (quick.value && box) { box.value = box.value ? box.value + " " + quick.value : quick.value; box.focus(); }
        quick.value = "";
      });
    }
    // "Send later": the campaign composer's picker (static/js/composer.js), writing what the server reads
    // (day first, 24 hours, the workspace's zone). A typed value flatpickr cannot read is put back on blur,
    // so the server refuses it with a message instead of sending at once.
    var later = document.querySelector(".composer [data-datepicker]");
    if (later && window.flatpickr) {
      var indonesian = document.documentElement.lang === "id" && window.flatpickr.l10ns.id;
      window.flatpickr(later, { enableTime: true, dateFormat: "d/m/Y H:i", time_24hr: true, allowInput: true,
                                disableMobile: true, minDate: "today", locale: indonesian || "default" });
      var typed = "";
      later.addEventListener("input", function (e) { if (e.isTrusted) { typed = later.value; } });
      later.addEventListener("blur", function () { if (later.value === "" && typed !== "") { later.value = typed; } });
      later.form.addEventListener("reset", function () { typed = ""; later._flatpickr.clear(false); });
    }
    var text = document.querySelector(".composer textarea");
    if (text) {
      text.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); text.form.requestSubmit(); }
      });
    }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var el = pane();
    if (el && e.detail.target === el && stick) { toBottom(el); }
  });
})();
