// Draws every element with a data-vega-spec attribute (a Vega-Lite spec) with vega-embed: on a
// canvas (no inline styles) and with Vega's expression interpreter (no eval), so the pages'
// Content-Security-Policy needs neither. The page has the same figures in a table.
(function () {
  "use strict";
  function draw() {
    var charts = document.querySelectorAll("[data-vega-spec]");
    Array.prototype.forEach.call(charts, function (el) {
      if (el.getAttribute("data-vega-drawn")) return; // drawn before this htmx swap
      var spec;
      try {
        spec = JSON.parse(el.getAttribute("data-vega-spec"));
      } catch (e) {
        return;
      }
      el.textContent = "";
      window
        .vegaEmbed(el, spec, {
          renderer: "canvas",
          actions: false,
          ast: true,
          expr: window.vega.expressionInterpreter,
          defaultStyle: false,
          tooltip: false
        })
        .then(function () {
          el.setAttribute("data-vega-drawn", "true");
        })
        .catch(function () {
          el.textContent = "The chart could not be drawn: the table has the same figures.";
        });
    });
  }
  // charts that arrive with an htmx swap (a scenario run's results when it finishes)
  document.addEventListener("htmx:afterSettle", draw);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
