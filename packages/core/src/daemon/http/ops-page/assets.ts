// The page's two static files, served from /ui so the CSP can forbid everything inline. The
// script only refreshes the panels: every action is a plain POST form, so the page works without it.

/**
 * Refreshes `#panels` from its `data-fragment` every 5 s while the tab is visible (and at once when
 * it becomes visible again), keeping open `<details>` open; a 401 means the session ended: reload
 * to show the login form.
 */
export const APP_JS = `'use strict';
(function () {
  var main = document.getElementById('panels');
  if (!main) return;
  var url = main.getAttribute('data-fragment');
  var busy = false;
  function refresh() {
    if (document.hidden || busy) return;
    busy = true;
    fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return; }
        if (!response.ok) return;
        return response.text().then(function (html) {
          var open = Array.prototype.map.call(main.querySelectorAll('details[open]'), function (d) { return d.id; });
          main.innerHTML = html;
          open.forEach(function (id) { var d = id && document.getElementById(id); if (d) d.open = true; });
          main.setAttribute('data-refreshed', String(Date.now()));
        });
      })
      .catch(function () { /* the next tick tries again */ })
      .then(function () { busy = false; });
  }
  setInterval(refresh, 5000);
  document.addEventListener('visibilitychange', function () { if (!document.hidden) refresh(); });
})();
`;

/** Plain CSS: tables on wide screens, one card per row below 720 px. */
export const APP_CSS = `:root { color-scheme: light; --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #f6f7f9; --card: #fff;
  --ok: #067647; --ok-bg: #dcfae6; --warn: #b54708; --warn-bg: #fef0c7; --bad: #b42318; --bad-bg: #fee4e2; --accent: #3538cd; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 12px 20px; background: var(--card); border-bottom: 1px solid var(--line); }
.top h1 { font-size: 18px; margin: 0; } .top h1 small { color: var(--muted); font-weight: 400; }
.top form { margin-left: auto; }
main { padding: 16px 20px; max-width: 1400px; margin: 0 auto; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; margin: 0 0 16px; overflow-x: auto; }
.panel h2 { font-size: 15px; margin: 0 0 10px; } .panel h3 { font-size: 13px; margin: 12px 0 6px; color: var(--muted); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 7px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
.muted { color: var(--muted); } small { font-size: 12px; }
.reason { color: var(--bad); max-width: 46ch; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; background: var(--line); white-space: nowrap; }
.badge-active, .badge-closed, .badge-succeeded, .badge-applied, .badge-ok { background: var(--ok-bg); color: var(--ok); }
.badge-needs_reauth, .badge-half_open, .badge-running, .badge-disabled { background: var(--warn-bg); color: var(--warn); }
.badge-open, .badge-failed, .badge-unavailable, .badge-refused, .badge-cancelled { background: var(--bad-bg); color: var(--bad); }
.lag.late, .dead-letters.has { color: var(--bad); font-weight: 600; }
.button { font: inherit; font-weight: 600; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 6px; padding: 5px 12px; cursor: pointer; }
.button.small { padding: 2px 8px; font-size: 12px; } .button.quiet { background: transparent; color: var(--accent); }
form.inline { display: inline; margin: 0; }
.connect-link { margin-top: 6px; overflow-wrap: anywhere; } .connect-link small { display: block; }
.notice { margin: 12px 20px 0; padding: 8px 12px; border-radius: 8px; } .notice-ok { background: var(--ok-bg); } .notice-error { background: var(--bad-bg); }
.error { color: var(--bad); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
.chart figcaption { display: flex; justify-content: space-between; font-size: 12px; color: var(--muted); }
.chart figcaption strong { color: var(--fg); font-size: 14px; }
.chart svg { width: 100%; height: 56px; display: block; }
.chart .series { fill: none; stroke: var(--accent); stroke-width: 1.6; vector-effect: non-scaling-stroke; }
.chart .dot { fill: var(--accent); }
.chart .axis { stroke: var(--line); stroke-width: 1; vector-effect: non-scaling-stroke; }
.chart .empty { fill: var(--muted); font-size: 11px; }
.reasons { margin: 0; padding-left: 18px; }
details summary { cursor: pointer; color: var(--accent); font-size: 12px; margin-top: 4px; }
pre.payload { background: var(--bg); padding: 8px; border-radius: 6px; max-height: 260px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; } .facts dt { color: var(--muted); } .facts dd { margin: 0; }
.login { max-width: 380px; margin: 12vh auto; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 24px; }
.login h1 { font-size: 18px; margin-top: 0; } .login label { display: block; font-weight: 600; margin-bottom: 4px; }
.login input { width: 100%; font: inherit; padding: 8px; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 12px; }
.updated { margin: 0 0 8px; font-size: 12px; }
@media (max-width: 720px) {
  main { padding: 10px; } .top { padding: 10px; } .panel { padding: 10px; }
  table, thead, tbody, tr, td { display: block; width: 100%; } thead { display: none; }
  tr { border: 1px solid var(--line); border-radius: 8px; padding: 6px 8px; margin-bottom: 8px; }
  td { border: 0; padding: 3px 0; display: flex; gap: 8px; flex-wrap: wrap; }
  td[data-label]:not([data-label=""])::before { content: attr(data-label); flex: 0 0 96px; color: var(--muted); font-size: 12px; }
  .reason { max-width: none; }
}
`;
