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
})();
