/* Sort and filter the models table without a server. Reads only data-* attributes the template
   escaped, and writes only textContent and attributes: no innerHTML, so no card value becomes markup.
   Filters live in the URL hash (#class=non-commercial&verdict=deny) so a filtered view can be shared. */
(function () {
  "use strict";
  var table = document.getElementById("models-table");
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var articles = Array.prototype.slice.call(document.querySelectorAll("article.model"));
  var controls = {
    "class": document.getElementById("f-class"),
    "verdict": document.getElementById("f-verdict"),
    "license": document.getElementById("f-license"),
    "openness": document.getElementById("f-openness"),
    "q": document.getElementById("f-q")
  };
  var count = document.getElementById("f-count");
  var printNote = document.getElementById("print-filter");
  var empty = document.getElementById("f-empty");
  var keys = ["class", "verdict", "license", "openness", "q"];

  function current() {
    var f = {};
    keys.forEach(function (k) { f[k] = controls[k] ? controls[k].value.trim() : ""; });
    f.q = f.q.toLowerCase();
    return f;
  }

  function matches(el, f) {
    return (!f["class"] || el.getAttribute("data-class") === f["class"]) &&
      (!f.verdict || el.getAttribute("data-verdict") === f.verdict) &&
      (!f.license || el.getAttribute("data-license") === f.license) &&
      (!f.openness || el.getAttribute("data-openness") === f.openness) &&
      (!f.q || (el.getAttribute("data-search") || "").indexOf(f.q) !== -1);
  }

  function apply(updateHash) {
    var f = current();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row, f);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    articles.forEach(function (a) { a.hidden = !matches(a, f); });
    count.textContent = shown + " of " + rows.length + " models shown";
    empty.hidden = shown !== 0;
    var active = keys.filter(function (k) { return f[k]; });
    document.body.setAttribute("data-filtered", active.length ? "true" : "false");
    /* Paper prints what the filter shows, and says so. */
    if (printNote) {
      printNote.hidden = !active.length;
      printNote.textContent = active.length ? "Printed with a filter (" + active.map(function (k) {
        return (k === "q" ? "search" : k) + ": " + f[k];
      }).join(", ") + "): " + shown + " of " + rows.length + " models shown." : "";
    }
    if (updateHash) {
      var hash = active.map(function (k) { return k + "=" + encodeURIComponent(f[k]); }).join("&");
      try { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
    }
  }

  function fromHash() {
    var hash = location.hash.replace(/^#/, "");
    if (hash.indexOf("=") === -1) { return false; }  /* a plain anchor such as #m-3 */
    keys.forEach(function (k) { if (controls[k]) { controls[k].value = ""; } });
    hash.split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      var key, value;
      try {
        key = decodeURIComponent(pair.slice(0, at));
        value = decodeURIComponent(pair.slice(at + 1).replace(/\+/g, " "));
      } catch (e) { return; }
      if (Object.prototype.hasOwnProperty.call(controls, key) && controls[key]) { controls[key].value = value; }
    });
    return true;
  }

  function openTarget() {
    var id = location.hash.replace(/^#/, "");
    if (!id || id.indexOf("=") !== -1) { return; }
    var target = document.getElementById(id);
    if (target && target.tagName === "ARTICLE") {
      target.querySelector("details").open = true;
    }
  }

  /* Sorting: by the data-sort-* value of the clicked column, numbers numerically. */
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var rank = { "class": { "non-commercial": 0, "unknown": 1, "open-weights-restricted": 2, "copyleft": 3, "permissive": 4 },
               "verdict": { "deny": 0, "review": 1, "allow": 2, "": 3 } };
  function sortBy(th) {
    var key = th.getAttribute("data-sort");
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    var value = function (row) {
      var v = row.getAttribute("data-sort-" + key) || "";
      if (rank[key]) { return rank[key][v] !== undefined ? rank[key][v] : 9; }
      if (key === "attention" || key === "index" || key === "findings") { return Number(v); }
      return v;
    };
    rows.slice().sort(function (a, b) {
      var x = value(a), y = value(b);
      if (x < y) { return -sign; }
      if (x > y) { return sign; }
      return Number(a.getAttribute("data-sort-attention")) - Number(b.getAttribute("data-sort-attention"));
    }).forEach(function (row) { tbody.appendChild(row); });
  }
  headers.forEach(function (th) {
    var button = th.querySelector("button");
    if (button) { button.addEventListener("click", function () { sortBy(th); }); }
  });

  document.getElementById("f-priority").addEventListener("click", function () {
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    rows.slice().sort(function (a, b) {
      return Number(a.getAttribute("data-sort-attention")) - Number(b.getAttribute("data-sort-attention"));
    }).forEach(function (row) { tbody.appendChild(row); });
  });
  keys.forEach(function (k) {
    if (controls[k]) { controls[k].addEventListener(k === "q" ? "input" : "change", function () { apply(true); }); }
  });
  document.getElementById("f-reset").addEventListener("click", function () {
    keys.forEach(function (k) { if (controls[k]) { controls[k].value = ""; } });
    apply(true);
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-verdict]"), function (card) {
    card.addEventListener("click", function (event) {
      event.preventDefault();
      if (controls.verdict) { controls.verdict.value = card.getAttribute("data-filter-verdict"); }
      apply(true);
      table.scrollIntoView();
    });
  });
  /* The openness spectrum's model bars filter by level, like the verdict cards. */
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-openness]"), function (bar) {
    bar.addEventListener("click", function (event) {
      event.preventDefault();
      if (controls.openness) { controls.openness.value = bar.getAttribute("data-filter-openness"); }
      apply(true);
      table.scrollIntoView();
    });
  });
  function setAll(open) { articles.forEach(function (a) { a.querySelector("details").open = open; }); }
  document.getElementById("expand-all").addEventListener("click", function () { setAll(true); });
  document.getElementById("collapse-all").addEventListener("click", function () { setAll(false); });

  /* Paper shows every model in full: open all details, restore the reader's view afterwards. */
  var wasOpen = null;
  window.addEventListener("beforeprint", function () {
    wasOpen = articles.map(function (a) { return a.querySelector("details").open; });
    setAll(true);
  });
  window.addEventListener("afterprint", function () {
    if (wasOpen) { articles.forEach(function (a, i) { a.querySelector("details").open = wasOpen[i]; }); }
  });
  window.addEventListener("hashchange", function () { if (fromHash()) { apply(false); } else { openTarget(); } });

  fromHash();
  apply(false);
  openTarget();
  document.body.setAttribute("data-ready", "true");
}());
