// Link statistics: the two bar charts, drawn by Chart.js (vendor/, loaded before this file) from the
// page's json_script data; the translated dataset labels come from the canvases' data- attributes.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("rotator-stats");
  if (!window.Chart || !data) return;
  const stats = JSON.parse(data.textContent);
  const green = "#16a34a";
  const days = document.getElementById("chart-days");
  if (days) new Chart(days, {
    type: "bar",
    data: {labels: stats.days.map((d) => d.slice(5)), datasets: [
      {label: days.dataset.labelVisitors, data: stats.clicks_per_day, backgroundColor: green},
      {label: days.dataset.labelBots, data: stats.bots_per_day, backgroundColor: "#d1d5db"},
    ]},
    options: {maintainAspectRatio: false, scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}}},
  });
  const numbers = document.getElementById("chart-numbers");
  if (numbers) new Chart(numbers, {
    type: "bar",
    data: {labels: stats.per_number.map((n) => "+" + n.phone), datasets: [
      {label: numbers.dataset.labelVisitors, data: stats.per_number.map((n) => n.clicks), backgroundColor: green},
    ]},
    options: {indexAxis: "y", maintainAspectRatio: false, plugins: {legend: {display: false}}, scales: {x: {beginAtZero: true, ticks: {precision: 0}}}},
  });
});
