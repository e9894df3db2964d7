// Link form: "Add a number" appends a row from the formset's empty form (a <template>), as Django's
// formset expects (__prefix__ → the next index, TOTAL_FORMS + 1). A file, not inline: the CSP allows none.
document.addEventListener("DOMContentLoaded", () => {
  const add = document.getElementById("add-number");
  if (!add) return;
  add.addEventListener("click", () => {
    const total = document.getElementById("id_numbers-TOTAL_FORMS");
    const max = Number(document.getElementById("id_numbers-MAX_NUM_FORMS").value);
    const index = Number(total.value);
    if (index >= max) return;
    const html = document.getElementById("number-template").innerHTML.replace(/__prefix__/g, index);
    document.getElementById("number-rows").insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    document.getElementById(`id_numbers-${index}-phone`)?.focus();
  });
});
