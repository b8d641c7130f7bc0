// The return form's running WTE total by staff group, updated as lines are typed (the page
// shows the same total, computed by the server, without JavaScript). Hours / hours per WTE,
// GP sessions / sessions per WTE; GP locums count as GPs. Lines not yet complete count nothing.
(function () {
  "use strict";
  var form = document.getElementById("return-form");
  if (!form) { return; }
  var hoursPerWte = parseFloat(form.dataset.hoursPerWte);
  var sessionsPerWte = parseFloat(form.dataset.sessionsPerWte);
  var gpGroup = "GPs";

  function amount(row, key) {
    var input = row.querySelector('[data-amount="' + key + '"]');
    if (!input || input.value.trim() === "") { return null; }
    var value = Number(input.value.trim());
    return isFinite(value) && value >= 0 ? value : NaN;
  }

  function recompute() {
    var totals = {};
    form.querySelectorAll("[data-total-group]").forEach(function (dd) {
      totals[dd.dataset.totalGroup] = 0;
    });
    form.querySelectorAll("#staff-lines [data-line]").forEach(function (row) {
      var select = row.querySelector("[data-role-select]");
      var option = select ? select.options[select.selectedIndex] : null;
      var group = option ? option.dataset.group : null;
      var hours = amount(row, "hours_per_week");
      var sessions = amount(row, "sessions_per_week");
      if (!group || (hours === null) === (sessions === null)) { return; }
      var wte = hours !== null ? hours / hoursPerWte : sessions / sessionsPerWte;
      if (isFinite(wte) && group in totals) { totals[group] += wte; }
    });
    form.querySelectorAll("#locums-lines [data-line]").forEach(function (row) {
      var sessions = amount(row, "sessions_per_week");
      var type = row.querySelector("select");
      if (sessions !== null && isFinite(sessions) && type && type.value && gpGroup in totals) {
        totals[gpGroup] += sessions / sessionsPerWte;
      }
    });
    var all = 0;
    form.querySelectorAll("[data-total-group]").forEach(function (dd) {
      var value = totals[dd.dataset.totalGroup];
      all += value;
      dd.textContent = value.toFixed(1);
    });
    var allCell = form.querySelector("[data-total-all]");
    if (allCell) { allCell.textContent = all.toFixed(1); }
  }

  form.addEventListener("input", recompute);
  form.addEventListener("change", recompute);
})();
