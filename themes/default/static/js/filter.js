// Instant filtering of the incidents table. Without this script the page
// still filters: the links above the table lead to pre-rendered lists.
(function () {
  "use strict";
  var form = document.querySelector("form[data-filter]");
  if (!form || !document.querySelector("table.incidents")) return;
  var controls = form.querySelector(".filter-controls");
  var count = form.querySelector("[data-count]");
  controls.hidden = false;
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
    var filtering = selects.some(function (s) { return s.value; });
    // Runs of rows are laid out only when seen; a filtered list is short
    // enough to lay out whole, and its height is then right.
    document.body.classList.toggle("filtering", filtering);
    // Long lists come in several tables (see incident-table.html), and
    // hindsight serve may replace rows after an edit: the rows are looked
    // up each time.
    Array.prototype.forEach.call(document.querySelectorAll("table.incidents > tbody > tr"), function (row) {
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
  document.addEventListener("hindsight:patched", function () {
    if (selects.some(function (s) { return s.value; })) apply();
  });
  apply();
})();
