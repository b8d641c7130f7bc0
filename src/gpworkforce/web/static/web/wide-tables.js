// A table wider than its box scrolls sideways inside it; the page then says so just before it
// (once), so that a reader does not take the columns cut off at the edge for the whole table.
(function () {
  "use strict";
  var NOTE = "This table is wide: scroll it sideways to see every column.";
  function mark() {
    var boxes = document.querySelectorAll(".app-table-scroll");
    Array.prototype.forEach.call(boxes, function (box) {
      var before = box.previousElementSibling;
      var said = before && /sideways/i.test(before.textContent);
      if (box.scrollWidth > box.clientWidth + 1 && !said) {
        var p = document.createElement("p");
        p.className = "nhsuk-body-s nhsuk-u-margin-bottom-2 app-scroll-note";
        p.textContent = NOTE;
        box.parentNode.insertBefore(p, box);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
