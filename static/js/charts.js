// Draws every Plotly figure on the page from its <script type="application/json"> data.
// Figures come from the server without a template; the toolbar keeps "download as PNG".
(function () {
  "use strict";
  var config = { responsive: true, displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { format: "png", scale: 2 } };
  function draw(el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source || !window.Plotly) { return Promise.resolve(); }
    var fig = JSON.parse(source.textContent);
    if (el.dataset.height) { fig.layout.height = parseInt(el.dataset.height, 10); }
    return Plotly.newPlot(el, fig.data, fig.layout, config).then(function () { el.dataset.drawn = "1"; });
  }
  window.edugovDraw = draw;
  document.addEventListener("DOMContentLoaded", function () {
    var charts = Array.prototype.slice.call(document.querySelectorAll(".chart[data-figure]:not(.lazy)"));
    Promise.all(charts.map(draw)).then(function () { document.body.dataset.chartsDrawn = "1"; });
  });
})();
