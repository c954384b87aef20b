// Draws every chart on the page from its Vega-Lite specification with the vendored vega-embed.
// `ast: true` evaluates expressions with the interpreter, so no eval is needed under the CSP.
// The chart's table (right after it) stays the text equivalent; if drawing fails it is shown.
(function () {
  function draw() {
    document.querySelectorAll("[data-chart-spec]").forEach(function (target) {
      if (target.dataset.rendered) return;
      var source = document.getElementById(target.dataset.chartSpec);
      if (!source || typeof vegaEmbed !== "function") return;
      target.dataset.rendered = "pending";
      var spec = JSON.parse(source.textContent);
      // A fixed width is the chart's width on a wide screen; on a narrow one it fits its frame.
      if (typeof spec.width === "number" && !spec.hconcat && !spec.concat && !spec.facet) {
        spec.width = "container";
        spec.autosize = { type: "fit-x", contains: "padding" };
      }
      vegaEmbed(target, spec, {
        actions: false,
        renderer: "svg",
        ast: true,
      })
        .then(function () {
          target.dataset.rendered = "yes";
        })
        .catch(function () {
          target.dataset.rendered = "failed";
          var table = target.parentElement.querySelector("table.chart-table");
          if (table) {
            table.classList.remove("sr-only");
            table.parentElement.classList.remove("sr-frame");
          }
        });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
  document.addEventListener("htmx:afterSettle", draw);
})();
