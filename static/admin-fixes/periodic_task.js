// django-celery-beat's periodic task page (templates/admin/djcelery/change_periodictask_form.html): under the
// crontab select, the chosen schedule in words ("At 02:30 AM"), from the readings the page carries as JSON.
// The library did this in an inline script, which the Content-Security-Policy refuses. The words go in as
// text, never as HTML.
(() => {
  const script = document.getElementById("periodic-task-overrides");
  const readings = JSON.parse(document.getElementById("readable-crontabs").textContent);
  const $ = django.jQuery;
  // The read-only "crontab translation" row repeats the saved schedule; the line under the select replaces it.
  $(".field-crontab_translation").hide();
  const help = document.querySelector(".field-crontab .help");
  if (!help) return;
  const line = document.createElement("div");
  help.append(line);
  const show = () => {
    const reading = readings[$("#id_crontab").val()];
    line.textContent = reading ? `${script.dataset.label}: ${reading}` : "";
  };
  // jQuery's handler also hears the change the admin's "add another" popup triggers through jQuery.
  $(".field-crontab").on("change", show);
  show();
})();
