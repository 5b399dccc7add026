// Draw every chart from the spec beside it, and filter tables as the reader types.
// Specs sit in <script type="application/json"> blocks: data, never code. `ast: true` has Vega
// interpret its expressions instead of compiling them, so the pages need no 'unsafe-eval'.
"use strict";

function drawCharts() {
  for (const holder of document.querySelectorAll(".vega[data-spec]")) {
    const spec = JSON.parse(document.getElementById(holder.dataset.spec).textContent);
    vegaEmbed(holder, spec, { actions: false, renderer: "svg", ast: true })
      .then(() => holder.setAttribute("data-rendered", "true"))
      .catch((error) => console.error("chart", holder.dataset.spec, error));
  }
}

function wireFilters() {
  for (const input of document.querySelectorAll("input.filter[data-table]")) {
    const table = document.getElementById(input.dataset.table);
    input.addEventListener("input", () => {
      const wanted = input.value.trim().toLowerCase();
      for (const row of table.tBodies[0].rows) {
        row.hidden = wanted !== "" && !row.textContent.toLowerCase().includes(wanted);
      }
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  wireFilters();
  drawCharts();
});
