// The HTML report's style sheet and script (html_report_internal.h): the
// page holds them, so that it needs no file, font or network of its own.

#include "html_report_internal.h"

namespace zhucun::cli::html_report {

const char kStyle[] = R"(
body{font-family:system-ui,"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;
 margin:0;color:#1d2430;background:#f5f6f8;font-size:14px;line-height:1.45}
header{background:#22405f;color:#fff;padding:18px 20px}
header h1{margin:0 0 6px;font-size:22px}
header p{margin:0;opacity:.85}
main{padding:8px 20px 40px;max-width:1400px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 14px;margin:14px 0}
h2{font-size:17px;margin:0 0 10px}
h3{font-size:14px;margin:14px 0 6px}
nav a{margin-right:14px;color:#22405f}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #dde1e7;border-radius:6px;padding:6px 12px;min-width:104px}
.card .n{font-size:24px;font-weight:600}
.card.e .n{color:#b42318}.card.w .n{color:#b54708}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid #e4e7ec;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;white-space:nowrap}
table.sortable th{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{display:inline-block;height:10px;background:#5b7fa6;vertical-align:middle}
#by-rule td:nth-child(2){max-width:280px}
.sev-error{color:#b42318}.sev-warning{color:#b54708}
.note{color:#5a6472;margin:4px 0 10px}
.flex{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.tables{display:flex;flex-wrap:wrap;gap:0 16px;align-items:flex-start}
svg text{font-size:11px;fill:#344054}
svg .axis{stroke:#98a2b3}
.legend span{display:inline-block;margin-right:12px}
.legend i{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}
#findings-table tr.f{cursor:pointer}
#findings-table tr.f:hover{background:#f0f4fa}
#findings-table tr.x td{background:#fafbfc}
.ex p{margin:3px 0}.ex ul{margin:3px 0 3px 18px;padding:0}
.ex li.f{color:#b42318}.ex ul.dec{list-style:circle;color:#444}.ex .row span{margin-right:8px}
code{font-family:ui-monospace,"Noto Sans Mono CJK SC",monospace;font-size:12px}
.filters{margin:8px 0}.filters select,.filters input{margin-right:10px;font-size:13px}
)";

// Sorting by a column heading, the findings' filters and explanations, and a
// total the script counts itself (the browser test compares it).
const char kScript[] = R"(
(function () {
  function value(td) { var v = td.getAttribute('data-v'); return v === null ? td.textContent : v; }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.setAttribute('data-sortable', '1');
      th.addEventListener('click', function () {
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        var numeric = rows.every(function (r) {
          var v = value(r.cells[col]);
          return v !== '' && !isNaN(Number(v));
        });
        rows.sort(function (a, b) {
          var x = value(a.cells[col]), y = value(b.cells[col]);
          var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return asc ? c : -c;
        });
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  var findings = document.getElementById('findings-table');
  if (findings) {
    findings.addEventListener('click', function (ev) {
      var tr = ev.target.closest('tr.f');
      if (tr && tr.nextElementSibling) tr.nextElementSibling.hidden = !tr.nextElementSibling.hidden;
    });
    var rule = document.getElementById('filter-rule');
    var group = document.getElementById('filter-group');
    var text = document.getElementById('filter-text');
    var shown = document.getElementById('shown');
    var apply = function () {
      var n = 0, q = text.value.toLowerCase();
      findings.querySelectorAll('tr.f').forEach(function (tr) {
        var ok = (!rule.value || tr.getAttribute('data-rule') === rule.value) &&
                 (!group || !group.value || tr.getAttribute('data-group') === group.value) &&
                 (!q || tr.textContent.toLowerCase().indexOf(q) >= 0);
        tr.hidden = !ok;
        if (!ok) tr.nextElementSibling.hidden = true;
        n += ok ? 1 : 0;
      });
      shown.textContent = String(n);
    };
    [rule, group, text].forEach(function (el) { if (el) el.addEventListener('input', apply); });
    apply();
  }
  var total = 0;
  document.querySelectorAll('#by-rule tbody td.count').forEach(function (td) {
    total += Number(td.getAttribute('data-v'));
  });
  document.getElementById('js-total').textContent = String(total);
  document.body.setAttribute('data-ready', '1');
})();
)";

}  // namespace zhucun::cli::html_report
