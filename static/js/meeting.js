// Meeting mode: one slide at a time; arrow keys, PageUp/PageDown (presentation clickers), space,
// Home/End and the on-screen buttons move; F toggles full screen. Charts draw when first shown.
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var index = 0;
  function show(next) {
    next = Math.max(0, Math.min(slides.length - 1, next));
    slides[index].hidden = true; slides[index].classList.remove("current");
    index = next;
    var slide = slides[index];
    slide.hidden = false; slide.classList.add("current");
    var chart = slide.querySelector(".chart[data-figure]");
    // the chart fills the room the slide's layout leaves it (flex/grid), whatever the screen
    var height = chart ? Math.max(200, Math.floor(chart.clientHeight)) : 0;
    if (chart && !chart.dataset.drawn && window.edugovDraw) {
      chart.dataset.height = String(height);
      window.edugovDraw(chart);
    } else if (chart && chart.dataset.drawn && window.Plotly) { window.Plotly.relayout(chart, { height: height }); }
    history.replaceState(null, "", "#" + (index + 1));
  }
  function toggleFull() {
    if (document.fullscreenElement) { document.exitFullscreen(); } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }
  document.addEventListener("keydown", function (e) {
    var keys = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, Enter: 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };
    if (e.key in keys) { e.preventDefault(); show(index + keys[e.key]); }
    else if (e.key === "Home") { show(0); } else if (e.key === "End") { show(slides.length - 1); }
    else if (e.key === "f" || e.key === "F") { toggleFull(); }
  });
  document.getElementById("next").addEventListener("click", function () { show(index + 1); });
  document.getElementById("prev").addEventListener("click", function () { show(index - 1); });
  document.getElementById("full").addEventListener("click", toggleFull);
  var start = parseInt((location.hash || "#1").slice(1), 10) - 1;
  document.addEventListener("DOMContentLoaded", function () { show(isNaN(start) ? 0 : start); });
  window.addEventListener("resize", function () { show(index); });
})();
