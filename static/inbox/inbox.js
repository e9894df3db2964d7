/* Inbox behaviour: keep the conversation scrolled to the newest message (unless the agent scrolled up),
   insert quick replies into the composer, send with Ctrl/Cmd+Enter. */
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
