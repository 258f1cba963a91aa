/**
 * The dashboard page: one self-contained HTML string (uPlot's script and stylesheet
 * inlined from node_modules, a small client script, no network). `live` mode connects to
 * `/events` (server-sent events) and appends points as they arrive; `static` mode (the
 * report) carries the events as JSON in `<script type="application/json" id="buddy-data">`.
 *
 * Contract with the browser tests: each chart is `<div class="chart" data-chart="<id>"
 * data-points="<n>">` (ids: regret, visibility, losses, kl-entropy, exploitability), with
 * `data-points` set after every redraw to the number of points drawn in it; after the first
 * render the page sets `document.body.dataset.ready = "1"`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CHART_IDS, CHART_TITLES, EPISODE_METRICS, UPDATE_METRICS } from './charts.js';
import type { RunData, RunInfo, TableData } from './run-data.js';

export interface PageOptions {
  mode: 'live' | 'static';
  title: string;
  runs: readonly RunData[];
}

let uplotCache: { js: string; css: string } | undefined;

/** uPlot's minified IIFE build and stylesheet, read once from the installed package. */
export function uplotAssets(): { js: string; css: string } {
  if (!uplotCache) {
    const dir = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
    uplotCache = { js: readFileSync(join(dir, 'uPlot.iife.min.js'), 'utf8'), css: readFileSync(join(dir, 'uPlot.min.css'), 'utf8') };
  }
  return uplotCache;
}

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element (no "</script>", no "<!--", no U+2028/2029). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Inline script text must not close its element. */
const inlineScript = (js: string): string => js.replace(/<\/(script)/gi, '<\\/$1');

const kv = (o: Record<string, unknown> | undefined): string =>
  o && Object.keys(o).length ? Object.entries(o).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ') : 'n/a';

function infoRows(runs: readonly RunData[]): string {
  const head = '<tr><th>run</th><th>env</th><th>backend</th><th>settings</th><th>env options</th></tr>';
  const row = (name: string, i: RunInfo) =>
    `<tr data-run="${escapeHtml(name)}"><td>${escapeHtml(name)}</td><td>${escapeHtml(i.env ?? 'n/a')}</td>` +
    `<td class="backend" title="${escapeHtml(i.backendDetail ?? '')}">${escapeHtml(i.backend ?? 'n/a')}${i.backendDetail ? `<div class="detail">${escapeHtml(i.backendDetail)}</div>` : ''}</td>` +
    `<td class="settings">${escapeHtml(kv(i.settings))}</td><td>${escapeHtml(kv(i.envOptions))}</td></tr>`;
  return `<table class="info">${head}${runs.map((r) => row(r.name, r.info)).join('')}</table>`;
}

function tableHtml(t: TableData, run: string | null): string {
  const th = t.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<h3>${escapeHtml(run ? `${run}: ${t.title}` : t.title)}</h3><table class="eval">${th ? `<tr>${th}</tr>` : ''}${rows}</table>`;
}

/** The client script: builds the charts from events (embedded, or streamed from /events). */
const CLIENT = String.raw`
(function () {
  'use strict';
  var CFG = __CONFIG__;
  var DATA = JSON.parse(document.getElementById('buddy-data').textContent || '{"runs":[]}');
  var multi = DATA.runs.length > 1;
  var COLORS = ['#2a6fdb', '#d9480f', '#2b8a3e', '#862e9c', '#e67700', '#0b7285', '#c2255c', '#5c940d', '#495057', '#364fc7'];
  var charts = {};
  CFG.ids.forEach(function (id) {
    charts[id] = { order: [], series: {}, points: 0, plot: null, sig: null, el: document.querySelector('.chart[data-chart="' + id + '"]') };
  });
  function reset() {
    CFG.ids.forEach(function (id) {
      var c = charts[id];
      c.order = []; c.series = {}; c.points = 0;
    });
  }
  function add(id, label, x, y) {
    var c = charts[id];
    var s = c.series[label];
    if (!s) { s = c.series[label] = { x: [], y: [] }; c.order.push(label); }
    s.x.push(x); s.y.push(y); c.points++;
  }
  function put(id, e, pre, label, y) {
    if (typeof y === 'number' && isFinite(y) && typeof e.step === 'number' && isFinite(e.step)) add(id, pre + label, e.step, y);
  }
  function setBackend(run, e) {
    var rows = document.querySelectorAll('table.info tr[data-run]');
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute('data-run') !== run) continue;
      var cell = rows[i].querySelector('.backend');
      if (cell) { cell.textContent = String(e.backend); cell.title = String(e.detail || ''); }
    }
  }
  function onEvent(run, e) {
    if (!e || typeof e !== 'object') return;
    var pre = multi ? run + ' ' : '';
    var k, i;
    if (e.kind === 'episode' && e.metrics) {
      CFG.episode.forEach(function (p) { p[1].forEach(function (m) { put(p[0], e, pre, m, e.metrics[m]); }); });
    } else if (e.kind === 'update') {
      CFG.update.forEach(function (p) { p[1].forEach(function (m) { put(p[0], e, pre, e.policy + ' ' + m, e[m]); }); });
    } else if (e.kind === 'evaluation' && e.metrics) {
      for (k in e.metrics) put('exploitability', e, pre, e.label + ': ' + k, e.metrics[k]);
    } else if (e.kind === 'backend') {
      setBackend(run, e);
    } else if (e.kind === 'done') {
      var st = document.getElementById('status');
      if (st && !multi) st.textContent = 'finished';
    }
  }
  function aligned(c) {
    var xs = [], seen = {}, i, j;
    c.order.forEach(function (l) { var s = c.series[l]; for (i = 0; i < s.x.length; i++) if (!seen[s.x[i]]) { seen[s.x[i]] = true; xs.push(s.x[i]); } });
    xs.sort(function (a, b) { return a - b; });
    var at = {};
    for (i = 0; i < xs.length; i++) at[xs[i]] = i;
    var data = [xs];
    c.order.forEach(function (l) {
      var s = c.series[l], ys = new Array(xs.length);
      for (j = 0; j < xs.length; j++) ys[j] = null;
      for (i = 0; i < s.x.length; i++) ys[at[s.x[i]]] = s.y[i];
      data.push(ys);
    });
    return data;
  }
  function width(el) { return Math.max(320, (el.clientWidth || 640) - 4); }
  function draw(id) {
    var c = charts[id];
    if (!c.el) return;
    var host = c.el.querySelector('.plot');
    var empty = c.el.querySelector('.empty');
    if (c.points === 0 || typeof uPlot === 'undefined') {
      if (c.plot) { c.plot.destroy(); c.plot = null; c.sig = null; }
      if (empty) empty.style.display = '';
      c.el.setAttribute('data-points', '0');
      return;
    }
    if (empty) empty.style.display = 'none';
    var data = aligned(c);
    var sig = c.order.join('\u0000');
    if (!c.plot || c.sig !== sig) {
      if (c.plot) c.plot.destroy();
      var series = [{ label: 'step' }];
      c.order.forEach(function (l, i) {
        series.push({ label: l, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true, points: { show: data[0].length < 60 } });
      });
      c.plot = new uPlot({ width: width(c.el), height: 260, scales: { x: { time: false } }, series: series, axes: [{ label: 'step' }, {}] }, data, host);
      c.sig = sig;
    } else {
      c.plot.setData(data);
    }
    c.el.setAttribute('data-points', String(c.points));
  }
  var pending = false;
  function drawAll() {
    pending = false;
    CFG.ids.forEach(draw);
    document.body.dataset.ready = '1';
  }
  function schedule() {
    if (pending) return;
    pending = true;
    setTimeout(drawAll, 100);
  }
  window.addEventListener('resize', function () {
    CFG.ids.forEach(function (id) { var c = charts[id]; if (c.plot) c.plot.setSize({ width: width(c.el), height: 260 }); });
  });
  DATA.runs.forEach(function (r) { (r.events || []).forEach(function (e) { onEvent(r.name, e); }); });
  drawAll();
  if (CFG.mode === 'live' && typeof EventSource !== 'undefined') {
    var status = document.getElementById('status');
    var es = new EventSource('/events');
    es.addEventListener('reset', function () { reset(); schedule(); });
    es.onopen = function () { if (status) status.textContent = 'live'; };
    es.onerror = function () { if (status) status.textContent = es.readyState === 2 ? 'disconnected' : 'reconnecting…'; };
    es.onmessage = function (m) {
      var d;
      try { d = JSON.parse(m.data); } catch (err) { return; }
      onEvent(String(d.run), d.event);
      schedule();
    };
  }
})();
`;

/** The page's icon, inlined (so that the browser asks the server for no /favicon.ico). */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2a6fdb"/><path d="M3 12 L6 7 L9 9 L13 4" stroke="#fff" stroke-width="1.6" fill="none"/></svg>';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #212529; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; } h3 { font-size: 14px; margin: 16px 0 6px; }
#status { color: #495057; font-size: 12px; }
table { border-collapse: collapse; margin: 6px 0; } th, td { border: 1px solid #dee2e6; padding: 3px 8px; text-align: left; vertical-align: top; }
td.settings { max-width: 520px; font-size: 12px; } .detail { color: #868e96; font-size: 11px; max-width: 320px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }
.chart { border: 1px solid #e9ecef; border-radius: 6px; padding: 8px; min-height: 120px; }
.chart h2 { margin: 0 0 6px; } .empty { color: #868e96; padding: 24px 0; }
`;

/** The whole page, as one HTML string with every script and style inlined. */
export function renderPage(o: PageOptions): string {
  const { js, css } = uplotAssets();
  const config = {
    mode: o.mode,
    ids: CHART_IDS,
    episode: Object.entries(EPISODE_METRICS),
    update: Object.entries(UPDATE_METRICS),
  };
  const data = { mode: o.mode, title: o.title, runs: o.runs.map((r) => ({ name: r.name, info: r.info, events: o.mode === 'static' ? (r.events ?? []) : [] })) };
  const charts = CHART_IDS.map(
    (id) =>
      `<div class="chart" data-chart="${id}" data-points="0"><h2>${escapeHtml(CHART_TITLES[id])}</h2><div class="empty">no data yet</div><div class="plot"></div></div>`,
  ).join('\n');
  const tables = o.runs.flatMap((r) => (r.tables ?? []).map((t) => tableHtml(t, o.runs.length > 1 ? r.name : null))).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
<link rel="icon" href="data:image/svg+xml;base64,${Buffer.from(FAVICON).toString('base64')}">
<style>${css}</style>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(o.title)}</h1>
<div id="status">${o.mode === 'live' ? 'connecting…' : 'report'}</div>
<h2>runs</h2>
${infoRows(o.runs)}
<div class="charts">
${charts}
</div>
${tables ? `<h2>evaluation</h2>\n${tables}` : ''}
<script type="application/json" id="buddy-data">${scriptJson(data)}</script>
<script>${inlineScript(js)}</script>
<script>${inlineScript(CLIENT.replace('__CONFIG__', scriptJson(config)))}</script>
</body>
</html>
`;
}
