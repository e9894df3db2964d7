// The broadcast composer (templates/campaigns/new.html). The form works without this file; it only makes
// the fields agree with each other. No inline script or handler: the page's CSP allows neither.
(() => {
  const form = document.getElementById("composer");
  if (!form) return;

  // Speed presets. Each <option> of the select carries its delays (campaigns.forms.PresetSelect); the server
  // uses a chosen preset's delays (campaigns.inputs.delay_range), so the two fields are made to show them.
  // Typing other delays switches the select to "Custom" (value ""), which is what makes them count; typing a
  // preset's own pair selects that preset again.
  const preset = form.querySelector("select[name=preset]");
  const low = form.querySelector("input[name=delay_min]");
  const high = form.querySelector("input[name=delay_max]");
  if (preset && low && high) {
    const same = (a, b) => a !== "" && b !== undefined && Number(a) === Number(b);
    const fill = () => {
      const option = preset.selectedOptions[0];
      if (option && option.dataset.delayMin !== undefined) {
        low.value = option.dataset.delayMin;
        high.value = option.dataset.delayMax;
      }
    };
    preset.addEventListener("change", fill);
    fill(); // a form sent back with an error shows what the chosen preset will use
    const typed = () => {
      const match = Array.from(preset.options).find(
        (o) => same(low.value, o.dataset.delayMin) && same(high.value, o.dataset.delayMax));
      preset.value = match ? match.value : "";
    };
    low.addEventListener("input", typed);
    high.addEventListener("input", typed);
  }

  // Tag pickers (_multiselect.html): a filter box over the checkbox list, a count of the ticked ones, and the
  // ticked ones moved first whenever the filter is used (not on each click, so nothing jumps under the pointer).
  // Enter in the filter ticks the first match instead of sending the form.
  form.querySelectorAll("[data-multiselect]").forEach((box) => {
    const filter = box.querySelector("[data-multiselect-filter]");
    const list = box.querySelector("[data-multiselect-list]");
    const count = box.querySelector("[data-multiselect-count]");
    const none = box.querySelector("[data-multiselect-none]");
    if (!filter || !list) return;
    const items = Array.from(list.children);
    const checkbox = (item) => item.querySelector("input[type=checkbox]");
    const recount = () => {
      const n = items.filter((item) => checkbox(item).checked).length;
      count.textContent = count.dataset.format.replace("{n}", String(n));
    };
    const apply = () => {
      const query = filter.value.trim().toLocaleLowerCase();
      const ordered = [...items.filter((i) => checkbox(i).checked), ...items.filter((i) => !checkbox(i).checked)];
      let shown = 0;
      ordered.forEach((item) => {
        item.hidden = query !== "" && !item.textContent.toLocaleLowerCase().includes(query);
        if (!item.hidden) shown += 1;
        list.appendChild(item);
      });
      none.hidden = shown > 0;
    };
    filter.hidden = false;
    filter.addEventListener("input", apply);
    filter.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const first = items.find((item) => !item.hidden);
      if (first) {
        checkbox(first).checked = !checkbox(first).checked;
        checkbox(first).dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    list.addEventListener("change", recount);
  });

  // Enter in a one-line field would "click" the form's first button (the test send, or Start): here it
  // does nothing, except in the test phone field, where it sends the test.
  form.addEventListener("keydown", (event) => {
    const field = event.target;
    if (event.key !== "Enter" || !(field instanceof HTMLInputElement) || field.type === "submit") return;
    if (field.matches("[data-multiselect-filter]")) return; // handled above
    event.preventDefault();
    if (field.matches("[data-test-phone]")) form.querySelector("[data-test-send]")?.click();
  });

  // Date and time pickers (flatpickr, static/vendor/flatpickr/) on the plain text fields of the schedule and
  // the quiet hours: they write exactly what the server reads (campaigns.forms.SCHEDULE_FORMAT, TIME_FORMAT),
  // day first and 24 hours, in Indonesian when the page is. disableMobile: a phone's native picker would
  // follow the phone's locale again (month first, AM/PM). Typing stays allowed.
  if (window.flatpickr) {
    const indonesian = document.documentElement.lang === "id" && window.flatpickr.l10ns.id;
    form.querySelectorAll("[data-datepicker]").forEach((input) => {
      const timeOnly = input.dataset.datepicker === "time";
      window.flatpickr(input, {
        enableTime: true, noCalendar: timeOnly, dateFormat: timeOnly ? "H:i" : "d/m/Y H:i", time_24hr: true,
        allowInput: true, disableMobile: true, locale: indonesian || "default",
      });
      // flatpickr empties a typed value it cannot read when the field loses focus; an empty schedule means
      // "send now", so the text is put back for the server to refuse with a message instead. Only what the
      // user typed counts (isTrusted): flatpickr's own emptying also fires an input event.
      let typed = "";
      input.addEventListener("input", (event) => { if (event.isTrusted) typed = input.value; });
      input.addEventListener("blur", () => {
        if (input.value === "" && typed !== "") input.value = typed;
      });
    });
  }
})();
