import { createHash } from 'node:crypto';
import { isConnectdError } from '../errors/index.js';
import { CONSENT_ERROR_HTTP_STATUS } from './consent.js';

// The pages a person sees at the end of a consent flow, in their browser: connected, or why not
// and what to do. Self-contained (no script, no external resource, so the callback URL with its
// code is never sent anywhere as a referrer) and every text HTML-escaped.

/** What a page says. */
export interface OAuthPage {
  readonly title: string;
  readonly message: string;
  /** An error code, shown small, for whoever the person asks for help. */
  readonly code?: string | undefined;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:0;padding:3rem 1rem;background:#f6f7f9;color:#1d2330}' +
  'main{max-width:32rem;margin:0 auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}' +
  'h1{font-size:1.4rem;margin:0 0 1rem}p{line-height:1.5;margin:0 0 1rem}.code{font-size:.8rem;color:#667085}';

/**
 * Headers to send with an OAuth page: a CSP that allows nothing but the page's own style, no
 * referrer, no caching (the URL carried a code), no framing.
 */
export const OAUTH_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'`,
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
});

const START_AGAIN = 'Start again from your app.';
const IF_IT_KEEPS = 'If it keeps happening, contact the support of your app.';
const NOTHING_CONNECTED = 'Nothing was connected.';

/** What a person is told for each error a consent route can meet. */
const PAGES: Readonly<Record<string, (details: Readonly<Record<string, unknown>>) => OAuthPage>> = {
  CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR: () => ({
    title: 'Unknown service',
    message: `This sign-in link points to a service this server does not connect to. Check the link in your app. ${IF_IT_KEEPS}`,
  }),
  CONNECTD_ERR_OAUTH_START_INVALID: (d) => ({
    title: 'This sign-in link is incomplete',
    message: `The link that sent you here has a missing or wrong value${typeof d['parameter'] === 'string' ? ` (“${d['parameter']}”)` : ''}. ${START_AGAIN} ${IF_IT_KEEPS}`,
  }),
  CONNECTD_ERR_OAUTH_STATE_INVALID: () => ({
    title: 'This sign-in link is not valid',
    message: `This sign-in was not started here, or its link was changed. ${NOTHING_CONNECTED} ${START_AGAIN}`,
  }),
  CONNECTD_ERR_OAUTH_STATE_EXPIRED: () => ({
    title: 'This sign-in link has expired',
    message: `This sign-in link has expired. ${START_AGAIN}`,
  }),
  CONNECTD_ERR_OAUTH_STATE_USED: () => ({
    title: 'This sign-in link was already used',
    message: `This sign-in link has already been used (perhaps the page was reloaded). If your account is not connected yet, start again from your app.`,
  }),
  CONNECTD_ERR_OAUTH_ACCESS_DENIED: () => ({
    title: 'Access was not granted',
    message: `You chose not to grant access, so nothing was connected. If that was a mistake, start again from your app and allow access.`,
  }),
  CONNECTD_ERR_OAUTH_VENDOR_ERROR: (d) => ({
    title: 'The service reported a problem',
    message: `The service you were connecting to answered with an error${typeof d['error'] === 'string' ? ` (“${d['error']}”)` : ''}. ${NOTHING_CONNECTED} ${START_AGAIN} ${IF_IT_KEEPS}`,
  }),
  CONNECTD_ERR_OAUTH_CALLBACK_INVALID: () => ({
    title: 'Sign-in did not complete',
    message: `The service sent you back without what is needed to finish connecting. ${NOTHING_CONNECTED} ${START_AGAIN}`,
  }),
  CONNECTD_ERR_OAUTH_SESSION_REQUIRED: () => ({
    title: 'This sign-in link is not valid',
    message:
      `Sign-in links are made for you by your app, each for one account and for a short time; this one was not. ${NOTHING_CONNECTED} ${START_AGAIN} ` +
      `(For the app's developers: make links with \`connectd connect <connector> --tenant <tenant>\` or POST /api/connect-sessions, and send the user to the url it answers.)`,
  }),
  CONNECTD_ERR_OAUTH_SESSION_INVALID: () => ({
    title: 'This sign-in link is not valid',
    message: `This sign-in link was not made here, or it was changed. ${NOTHING_CONNECTED} ${START_AGAIN}`,
  }),
  CONNECTD_ERR_OAUTH_SESSION_EXPIRED: () => ({
    title: 'This sign-in link has expired',
    message: `Sign-in links work for a short time only, and this one has expired. ${NOTHING_CONNECTED} ${START_AGAIN}`,
  }),
  CONNECTD_ERR_OAUTH_SESSION_USED: () => ({
    title: 'This sign-in link was already used',
    message: `Each sign-in link works once, and this one has been opened before. If your account is not connected yet, ${START_AGAIN.toLowerCase()}`,
  }),
  CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT: () => ({
    title: 'This connection belongs to another account',
    message: `The connection named in this link is already set up for another account. ${NOTHING_CONNECTED} ${IF_IT_KEEPS}`,
  }),
};

const VENDOR_REFUSED: OAuthPage = {
  title: 'We could not finish connecting',
  message: `The service did not accept the request to finish connecting. ${NOTHING_CONNECTED} ${START_AGAIN} ${IF_IT_KEEPS}`,
};
/** A 4xx from elsewhere, e.g. a connector's own check of the callback. */
const REFUSED: OAuthPage = {
  title: 'Sign-in did not complete',
  message: `This sign-in could not be accepted. ${NOTHING_CONNECTED} ${START_AGAIN} ${IF_IT_KEEPS}`,
};
const SERVER_FAILED: OAuthPage = {
  title: 'Something went wrong',
  message: `Connecting your account failed on our side. ${NOTHING_CONNECTED} Try again from your app in a few minutes. ${IF_IT_KEEPS}`,
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A short, self-contained HTML page with an escaped title, message and optional error code.
 * @example
 * reply.code(200).headers(OAUTH_PAGE_HEADERS).send(renderOAuthPage({ title: 'Connected', message: 'You can close this window.' }));
 */
export function renderOAuthPage(page: OAuthPage): string {
  const title = escapeHtml(page.title);
  const code = page.code === undefined ? '' : `\n<p class="code">Error code: ${escapeHtml(page.code)}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${title}</h1>
<p>${escapeHtml(page.message)}</p>${code}
</main>
</body>
</html>
`;
}

/**
 * The page after a successful callback.
 * @example
 * const html = oauthSuccessPage();
 */
export function oauthSuccessPage(): string {
  return renderOAuthPage({ title: 'Account connected', message: 'Your account is connected. You can close this window and return to your app.' });
}

/**
 * The status and page for a failed start or callback: what happened, in words for the person who
 * clicked, and the error code. Errors the flow does not know get a generic page and status 500.
 * @example
 * catch (err) { const page = oauthErrorPage(err); reply.code(page.status).headers(OAUTH_PAGE_HEADERS).send(page.html); }
 */
export function oauthErrorPage(err: unknown): { status: number; html: string } {
  if (!isConnectdError(err)) return { status: 500, html: renderOAuthPage(SERVER_FAILED) };
  const status = CONSENT_ERROR_HTTP_STATUS[err.code] ?? err.httpStatus;
  const page = PAGES[err.code]?.(err.details) ?? (status === 502 ? VENDOR_REFUSED : status >= 400 && status < 500 ? REFUSED : SERVER_FAILED);
  return { status, html: renderOAuthPage({ ...page, code: err.code }) };
}
