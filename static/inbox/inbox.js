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
        var box = document.querySelector("[data-composer=reply] textarea");
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
    // Reply / Private note: two forms under the conversation, one shown at a time.
    var tabs = document.querySelectorAll("[data-composer-tab]");
    tabs.forEach(function (tab) {
      tab.addEventListener("click", function () {
        tabs.forEach(function (other) {
          var on = other === tab;
          other.classList.toggle("active", on);
          other.setAttribute("aria-selected", on ? "true" : "false");
          var form = document.querySelector("[data-composer=" + other.getAttribute("data-composer-tab") + "]");
          if (form) { form.hidden = !on; }
        });
        var box = document.querySelector("[data-composer=" + tab.getAttribute("data-composer-tab") + "] textarea");
        if (box) { box.focus(); }
      });
    });
    // Snooze: the same picker, writing what the server reads.
    var snooze = document.querySelector(".snooze-form [data-datepicker]");
    if (snooze && window.flatpickr) {
      window.flatpickr(snooze, { enableTime: true, dateFormat: "d/m/Y H:i", time_24hr: true, allowInput: true,
                                 disableMobile: true, minDate: "today",
                                 locale: (document.documentElement.lang === "id" && window.flatpickr.l10ns.id) || "default" });
    }
    var text = document.querySelector("[data-composer=reply] textarea");
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
