// Instant filtering of the incidents table. Without this script the page
// still filters: the links above the table lead to pre-rendered lists.
(function () {
  "use strict";
  var form = document.querySelector("form[data-filter]");
  var table = document.querySelector("table.incidents");
  if (!form || !table) return;
  var controls = form.querySelector(".filter-controls");
  var count = form.querySelector("[data-count]");
  controls.hidden = false;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var selects = Array.prototype.slice.call(controls.querySelectorAll("select"));

  function matches(row) {
    return selects.every(function (s) {
      if (!s.value) return true;
      var v = row.getAttribute("data-" + s.name) || "";
      return s.name === "service" ? v.split(" ").indexOf(s.value) >= 0 : v === s.value;
    });
  }
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row);
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown;
    var params = new URLSearchParams();
    selects.forEach(function (s) { if (s.value) params.set(s.name, s.value); });
    var q = params.toString();
    if (location.protocol !== "file:") history.replaceState(null, "", q ? "?" + q : location.pathname);
  }
  var initial = new URLSearchParams(location.search);
  selects.forEach(function (s) {
    if (initial.get(s.name)) s.value = initial.get(s.name);
    s.addEventListener("change", apply);
  });
  apply();
})();
