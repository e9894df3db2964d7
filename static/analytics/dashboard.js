// The dashboard's figures and charts (templates/analytics/_dashboard.html): fetched from /api/analytics/summary
// and /api/analytics/series for the chosen period, drawn with Chart.js (static/vendor/chartjs/, loaded before
// this file), each chart with its numbers in the table behind it. Colours come from the panel's CSS variables.
(() => {
  const root = document.getElementById("analytics");
  if (!root) return;
  const lang = document.documentElement.lang || undefined;
  const number = new Intl.NumberFormat(lang);
  const percent = new Intl.NumberFormat(lang, {style: "percent", maximumFractionDigits: 1});
  const style = getComputedStyle(root);
  const colours = [1, 2, 3, 4].map((n) => style.getPropertyValue(`--chart-${n}`).trim());
  const grid = style.getPropertyValue("--chart-grid").trim();
  const charts = new Map();
  let range = "7d";

  const getJSON = (url) => fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
    .then((r) => { if (!r.ok) throw new Error(`${url}: ${r.status}`); return r.json(); });

  function showError() {
    const box = root.querySelector('[data-role="error"]');
    box.textContent = root.dataset.error;
    box.hidden = false;
  }

  function fillSummary(data) {
    root.querySelectorAll("[data-field]").forEach((el) => {
      const key = el.dataset.field;
      if (key === "plan_name") { el.textContent = data.plan ? `(${data.plan.name})` : ""; return; }
      const value = data[key];
      if (key === "time_zone") el.textContent = `(${value})`;
      else if (value === null || value === undefined) el.textContent = "–";
      else el.textContent = el.dataset.format === "percent" ? percent.format(value) : number.format(value);
    });
    const devices = root.querySelector('[data-list="devices"]');
    if (devices && data.devices) {
      devices.replaceChildren(...data.devices.map((d) => item(d.label || (d.phone ? `+${d.phone}` : `#${d.id}`),
                                                            d.status_label, `status-${d.status.toLowerCase()}`)));
      if (!data.devices.length) devices.replaceChildren(item(root.dataset.empty, ""));
    }
    const usage = root.querySelector('[data-list="usage"]');
    if (usage && data.plan) {
      usage.replaceChildren(...data.plan.usage.map((u) => item(u.label,
        `${number.format(u.used)} / ${u.limit === null ? usage.dataset.unlimited : number.format(u.limit)}`)));
    }
  }

  function item(label, value, cls) {
    const li = document.createElement("li");
    const a = document.createElement("span");
    const b = document.createElement("span");
    a.textContent = label;
    b.textContent = value;
    if (cls) b.className = cls;
    li.append(a, b);
    return li;
  }

  function cell(tag, text) {
    const el = document.createElement(tag);
    el.textContent = text;
    return el;
  }

  function fillTable(card, data) {
    const table = card.querySelector("table");
    const head = document.createElement("tr");
    head.append(cell("th", card.dataset.axis), ...data.datasets.map((d) => cell("th", d.label)));
    table.tHead.replaceChildren(head);
    const rows = data.labels.map((label, i) => {
      const tr = document.createElement("tr");
      tr.append(cell("td", label), ...data.datasets.map((d) => cell("td", number.format(d.values[i]))));
      return tr;
    });
    if (!rows.length) {
      const tr = document.createElement("tr");
      const td = cell("td", root.dataset.empty);
      td.colSpan = data.datasets.length + 1;
      tr.append(td);
      rows.push(tr);
    }
    table.tBodies[0].replaceChildren(...rows);
  }

  function draw(card, data) {
    const kind = card.dataset.kind;
    const labels = data.labels.map((l) => (data.by === "day" && data.metric !== "funnel" ? l.slice(5) : l));
    const datasets = data.datasets.map((d, i) => ({
      label: d.label, data: d.values, backgroundColor: colours[i % colours.length],
      borderColor: colours[i % colours.length], tension: 0.25, pointRadius: 2,
    }));
    const config = {
      type: kind === "line" ? "line" : "bar",
      data: {labels, datasets},
      options: {
        maintainAspectRatio: false, animation: false, indexAxis: kind === "funnel" ? "y" : "x",
        plugins: {legend: {display: datasets.length > 1}},
        scales: {x: {grid: {color: grid}, ticks: {precision: 0}, beginAtZero: true},
                 y: {grid: {color: grid}, ticks: {precision: 0}, beginAtZero: true}},
      },
    };
    const old = charts.get(card);
    if (old) old.destroy();
    if (window.Chart) charts.set(card, new window.Chart(card.querySelector("canvas"), config));
  }

  function load() {
    const summary = new URL(root.dataset.summaryUrl, location.href);
    summary.searchParams.set("range", range);
    getJSON(summary).then(fillSummary).catch(showError);
    root.querySelectorAll("[data-chart]").forEach((card) => {
      const url = new URL(root.dataset.seriesUrl, location.href);
      url.searchParams.set("metric", card.dataset.metric);
      url.searchParams.set("by", card.dataset.by);
      url.searchParams.set("range", range);
      getJSON(url).then((data) => { fillTable(card, data); draw(card, data); card.dataset.loaded = "1"; })
        .catch(showError);
    });
  }

  root.querySelectorAll("[data-range]").forEach((button) => button.addEventListener("click", () => {
    range = button.dataset.range;
    root.querySelectorAll("[data-range]").forEach((b) => {
      b.classList.toggle("active", b === button);
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
    load();
  }));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", load);
  else load();
})();
