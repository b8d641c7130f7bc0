// The scenario form: for each uncertain number, show only the inputs its chosen kind uses
// (one figure, or the distribution's parameters). Without JavaScript every input is shown and
// the server uses those of the chosen kind.
(function () {
  "use strict";
  function update(select) {
    var box = select.closest(".gpw-num");
    if (!box) return;
    box.querySelectorAll(".gpw-param").forEach(function (p) {
      var kinds = (p.dataset.kinds || "").split(" ");
      var show = select.value === "" ? p.dataset.kinds === "" : kinds.indexOf(select.value) >= 0;
      p.hidden = !show;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select.gpw-dist-kind").forEach(function (s) {
      update(s);
      s.addEventListener("change", function () { update(s); });
    });
  });
})();
