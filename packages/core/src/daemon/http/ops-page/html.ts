// The page's HTML helpers: escaping (every value from the store or the config goes through
// `esc`), times, the shell with its CSP-friendly links, and the login and disabled pages.

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content and quoted attributes.
 * @example
 * `<td>${esc(reason)}</td>`
 */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * A duration in words: `45 s`, `12 min`, `3 h`, `2 d`.
 * @example
 * duration(90_000); // '1.5 min'
 */
export function duration(ms: number): string {
  const s = Math.abs(ms) / 1000;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round((s / 60) * 10) / 10} min`;
  if (s < 86_400) return `${Math.round((s / 3600) * 10) / 10} h`;
  return `${Math.round((s / 86_400) * 10) / 10} d`;
}

/**
 * A time as `<time>` with the ISO value in `datetime` and how long ago (or how soon) as text.
 * @example
 * when('2026-01-01T00:00:00Z', Date.now());
 */
export function when(iso: string | Date | null | undefined, nowMs: number): string {
  if (iso === null || iso === undefined) return '<span class="muted">never</span>';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return esc(iso);
  const delta = at.getTime() - nowMs;
  const text = Math.abs(delta) < 1000 ? 'now' : delta < 0 ? `${duration(delta)} ago` : `in ${duration(delta)}`;
  return `<time datetime="${esc(at.toISOString())}" title="${esc(at.toISOString())}">${text}</time>`;
}

/** A table cell labelled for the phone layout (cells become `label: value` lines). */
export const cell = (label: string, html: string, className = ''): string => `<td data-label="${esc(label)}"${className === '' ? '' : ` class="${className}"`}>${html}</td>`;

/** A table with headers; `rows` are `<tr>` strings. */
export function table(className: string, headers: readonly string[], rows: readonly string[], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  return `<table class="${className}"><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A badge for a state word (`active`, `needs_reauth`, `open`...), coloured by the stylesheet. */
export const badge = (state: string): string => `<span class="badge badge-${esc(state.replace(/[^a-z_]/gi, ''))}">${esc(state.replace(/_/g, ' '))}</span>`;

/** A POST form with its CSRF field; `fields` are hidden name/value pairs. */
export function postForm(action: string, csrf: string, label: string, fields: Readonly<Record<string, string>> = {}, className = 'button'): string {
  const hidden = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join('');
  return `<form method="post" action="${esc(action)}" class="inline"><input type="hidden" name="csrf" value="${esc(csrf)}">${hidden}<button type="submit" class="${className}">${esc(label)}</button></form>`;
}

/**
 * The page's shell: the stylesheet and script from /ui (the CSP allows nothing inline).
 * @example
 * shell('connectd', '<main>…</main>');
 */
export function shell(title: string, body: string): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><link rel="stylesheet" href="/ui/app.css"></head>`,
    `<body>${body}<script src="/ui/app.js" defer></script></body></html>`,
  ].join('');
}

/** The login form; `error` says why the last attempt failed. */
export function loginPage(error?: string): string {
  const problem = error === undefined ? '' : `<p class="error" role="alert">${esc(error)}</p>`;
  return shell(
    'connectd · sign in',
    `<main class="login"><h1>connectd operations</h1>${problem}<form method="post" action="/ui/login">` +
      '<label for="token">Admin token</label><input id="token" name="token" type="password" autocomplete="current-password" required autofocus>' +
      '<button type="submit" class="button">Sign in</button></form><p class="muted">The token is the daemon\'s CONNECTD_ADMIN_TOKEN.</p></main>',
  );
}

/** Shown (403) when no admin token is configured: the page is closed, never open. */
export function disabledPage(): string {
  return shell('connectd · disabled', '<main class="login"><h1>connectd operations</h1><p class="error" role="alert">The operations page is disabled: no admin token is configured. Set CONNECTD_ADMIN_TOKEN and restart the daemon.</p></main>');
}

/** A refusal page (403) naming the coded error. */
export function refusedPage(code: string, message: string): string {
  return shell('connectd · refused', `<main class="login"><h1>Refused</h1><p class="error" role="alert"><code>${esc(code)}</code> ${esc(message)}</p><p><a href="/ui">Back to the operations page</a></p></main>`);
}
