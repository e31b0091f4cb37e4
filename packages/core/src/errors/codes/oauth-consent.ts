import { defineError } from '../define-error.js';

// Errors of oauth-consent. Codes are never reused once retired; add new ones at the end.
// Messages never carry a token, a code, a client secret or a vendor response body.
// They never carry the `state` text either (its signature is what makes a flow trustworthy).

export const OAUTH_UNKNOWN_CONNECTOR = defineError<{ connector: string }>({
  code: 'CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR',
  httpStatus: 404,
  meaning: 'A consent flow was asked for a connector that is not configured, or whose auth is not an oauth2 authorization-code grant.',
  fix: 'Use the connector key from connectors.yaml (in POST /api/connect-sessions, `connectd connect` and /oauth/<connector>/start), and give that connector `auth: { type: oauth2, authorize_url, ... }`.',
  message: (d) => `connector "${d.connector}" has no OAuth consent flow: it is not configured, or its auth is not oauth2 with the authorization_code grant`,
});

export const OAUTH_START_INVALID = defineError<{ connector: string; parameter: string; reason: string }>({
  code: 'CONNECTD_ERR_OAUTH_START_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning:
    'A connect session (`connectd connect`, POST /api/connect-sessions) or the consent it starts had a missing or invalid parameter: tenant, connection id, a connection setting the OAuth URLs need, or one the connector does not declare in `auth.params` or that fails its pattern; or a start link carried parameters beside its session.',
  fix: 'Make the session with tenant and connection ids of letters, digits, ".", "_" and "-", every {placeholder} of the OAuth URLs as a plain value in params (a host, not a URL), and only the parameters `auth.params` declares, matching their patterns (e.g. shop=acme.myshopify.com); open its `url` as it is, adding nothing.',
  message: (d) => `cannot start the OAuth flow of connector "${d.connector}": parameter "${d.parameter}" ${d.reason}`,
});

export const OAUTH_STATE_INVALID = defineError<{ reason: 'missing' | 'malformed' | 'signature' | 'other-connector' }>({
  code: 'CONNECTD_ERR_OAUTH_STATE_INVALID',
  httpStatus: 400,
  meaning: 'An OAuth callback arrived without a valid `state`: it is missing, malformed, not signed by this connectd, or belongs to another connector.',
  fix: 'Start the flow again from a new consent link (`connectd connect`, POST /api/connect-sessions). If it keeps happening, check that every connectd process shares CONNECTD_SECRET_KEY (the state is signed with a key derived from it).',
  message: (d) =>
    d.reason === 'missing'
      ? 'the OAuth callback has no state parameter'
      : d.reason === 'other-connector'
        ? 'the OAuth state was issued for another connector'
        : `the OAuth state is not one this connectd issued (${d.reason === 'malformed' ? 'malformed' : 'bad signature'})`,
});

export const OAUTH_STATE_EXPIRED = defineError<{ expiredAt: string }>({
  code: 'CONNECTD_ERR_OAUTH_STATE_EXPIRED',
  httpStatus: 400,
  meaning: 'An OAuth callback arrived after its consent flow expired (the sign-in page was left open too long).',
  fix: 'Start the flow again from a new consent link and finish it within the state lifetime (10 minutes by default).',
  message: (d) => `the OAuth sign-in link expired at ${d.expiredAt}; start the flow again`,
});

export const OAUTH_STATE_USED = defineError<Record<string, never>>({
  code: 'CONNECTD_ERR_OAUTH_STATE_USED',
  httpStatus: 400,
  meaning: 'An OAuth callback reused a state that was already used (a reload, a back button, or a replayed link), or its flow was cleaned up.',
  fix: 'Nothing to fix if the account is connected already; otherwise start the flow again from a new consent link (`connectd connect`, POST /api/connect-sessions).',
  message: () => 'the OAuth state was already used or is unknown; start the flow again',
});

export const OAUTH_ACCESS_DENIED = defineError<{ connector: string; description?: string | undefined }>({
  code: 'CONNECTD_ERR_OAUTH_ACCESS_DENIED',
  httpStatus: 403,
  meaning: 'The user declined the consent screen (the vendor answered `error=access_denied`); nothing was stored.',
  fix: 'Start the flow again and approve access, if the account should be connected.',
  message: (d) => `access to connector "${d.connector}" was denied on the consent screen${d.description === undefined ? '' : ` (${d.description})`}`,
});

export const OAUTH_VENDOR_ERROR = defineError<{ connector: string; error: string; description?: string | undefined }>({
  code: 'CONNECTD_ERR_OAUTH_VENDOR_ERROR',
  httpStatus: 502,
  meaning: 'The vendor sent the user back with an OAuth error other than access_denied (e.g. invalid_scope, unauthorized_client); nothing was stored.',
  fix: "Read the vendor's error code: it usually points at the OAuth app's settings (redirect URL, scopes, client id) or at the connector's auth block.",
  message: (d) => `the vendor of connector "${d.connector}" returned OAuth error "${d.error}"${d.description === undefined ? '' : `: ${d.description}`}`,
});

export const OAUTH_CALLBACK_INVALID = defineError<{ connector: string; reason: string }>({
  code: 'CONNECTD_ERR_OAUTH_CALLBACK_INVALID',
  httpStatus: 400,
  meaning: 'An OAuth callback had a valid state but no usable authorization code, or a check of the connector refused it.',
  fix: 'Start the flow again. If it keeps failing, check the OAuth app\'s redirect URL matches `<public URL>/oauth/<connector>/callback`.',
  message: (d) => `the OAuth callback of connector "${d.connector}" is invalid: ${d.reason}`,
});

export const OAUTH_CONNECTION_CONFLICT = defineError<{ connector: string; connectionId: string }>({
  code: 'CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT',
  httpStatus: 409,
  meaning: 'A consent flow named a connection id that already belongs to another tenant or connector, so it would have taken that connection over.',
  fix: 'Pick another `connection` id (or leave it out to use <connector>-<tenant>); to move a connection, delete it first.',
  message: (d) => `connection "${d.connectionId}" already belongs to another tenant or connector; connector "${d.connector}" cannot take it over`,
});

export const OAUTH_ACCOUNT_ID_MISSING = defineError<{ connector: string; source: string }>({
  code: 'CONNECTD_ERR_OAUTH_ACCOUNT_ID_MISSING',
  httpStatus: 502,
  meaning:
    "A connector declares `auth.account_id`, but the token endpoint's answer (for a `$.` path) or the connection's settings (for `param:`) held no usable id there, so the consent failed and nothing was stored.",
  fix: "Check `account_id` against what the vendor's token endpoint answers (a field whose name looks like a secret, e.g. one with token, key, code or auth in it, is never read); for `param:<name>`, pass that setting in the start URL.",
  message: (d) =>
    `the OAuth consent of connector "${d.connector}" found no account id at ${d.source} (auth.account_id): ` +
    `${d.source.startsWith('param:') ? "the connection's settings lack it" : "the token endpoint's answer lacks it, or it is not a string or number of at most 255 characters"}; nothing was stored`,
});

// Connect sessions (issue 13): a consent starts only from a link made by `connectd connect` or
// `POST /api/connect-sessions`. Every refusal of the session itself is a 401 (the link is not, or
// no longer, a credential for a consent); a start query with other parameters beside it is
// CONNECTD_ERR_OAUTH_START_INVALID (400). Messages never carry the session token.

const HOW_LINKS_ARE_MADE = 'make a new link with `connectd connect <connector> --tenant <tenant>` or POST /api/connect-sessions';

export const OAUTH_SESSION_REQUIRED = defineError<{ connector: string }>({
  code: 'CONNECTD_ERR_OAUTH_SESSION_REQUIRED',
  httpStatus: 401,
  meaning: 'A consent was started without a connect session (`/oauth/<connector>/start?session=…`), e.g. from an old `?tenant=` link: nothing was stored and the user was not sent to the vendor.',
  fix: `Send the user a link made for them: ${HOW_LINKS_ARE_MADE} (admin bearer), whose answer's \`url\` starts the consent.`,
  message: (d) => `the consent of connector "${d.connector}" needs a connect session (?session=…), which this link does not have; ${HOW_LINKS_ARE_MADE}`,
});

export const OAUTH_SESSION_INVALID = defineError<{ reason: 'malformed' | 'signature' | 'unknown' | 'other-connector' }>({
  code: 'CONNECTD_ERR_OAUTH_SESSION_INVALID',
  httpStatus: 401,
  meaning: 'A consent link carried a connect session token that is malformed, not signed by this connectd, unknown to its store, or made for another connector.',
  fix: `${HOW_LINKS_ARE_MADE.replace(/^m/, 'M')}. If fresh links are refused too, check that every connectd process (and the CLI) shares CONNECTD_SECRET_KEY and the database: tokens are signed with a key derived from it.`,
  message: (d) =>
    d.reason === 'other-connector'
      ? 'the connect session was made for another connector'
      : d.reason === 'unknown'
        ? 'the connect session is not in the store (made against another database?)'
        : `the connect session is not one this connectd made (${d.reason === 'malformed' ? 'malformed' : 'bad signature'})`,
});

export const OAUTH_SESSION_EXPIRED = defineError<{ expiredAt: string }>({
  code: 'CONNECTD_ERR_OAUTH_SESSION_EXPIRED',
  httpStatus: 401,
  meaning: 'A consent link was opened after its connect session expired (30 minutes by default, `expires_in` when it was made).',
  fix: `${HOW_LINKS_ARE_MADE.replace(/^m/, 'M')}, with a longer expires_in (--expires-in) if the user needs more time (at most 24 hours).`,
  message: (d) => `the connect session expired at ${d.expiredAt}; ${HOW_LINKS_ARE_MADE}`,
});

export const OAUTH_SESSION_USED = defineError<Record<string, never>>({
  code: 'CONNECTD_ERR_OAUTH_SESSION_USED',
  httpStatus: 401,
  meaning: 'A consent link was opened again: its connect session is single use and already started a consent (a reload, a forwarded link, a link preview that opened it).',
  fix: `Nothing to fix if the account got connected; otherwise ${HOW_LINKS_ARE_MADE}.`,
  message: () => `the connect session was already used; ${HOW_LINKS_ARE_MADE}`,
});

export const OAUTH_SESSION_REQUEST_INVALID = defineError<{ reason: string }>({
  code: 'CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A connect session was asked for with a body that is not `{connector, tenant, connection?, params?, expires_in?}` or with a lifetime out of range.',
  fix: 'Send a JSON object with string `connector` and `tenant`, optional string `connection`, `params` as an object of strings, and `expires_in` in seconds from 60 to 86400 (default 1800); on the CLI, --expires-in like 90s, 30m or 2h.',
  message: (d) => `cannot make a connect session: ${d.reason}`,
});

export const OAUTH_SESSION_DAEMON_UNREACHABLE = defineError<{ dataDir: string; reason: string }>({
  code: 'CONNECTD_ERR_OAUTH_SESSION_DAEMON_UNREACHABLE',
  meaning: 'connectd connect found the embedded store open in a running daemon (one process at a time) and could not ask that daemon to make the session instead.',
  fix: "Give the command the daemon's CONNECTD_ADMIN_TOKEN and where it listens (PORT, or CONNECTD_PUBLIC_URL when that is a loopback or https address), call POST /api/connect-sessions yourself, or stop the daemon first.",
  message: (d) => `the embedded store in ${d.dataDir} is open in a running daemon, and connectd connect could not ask it for the session: ${d.reason}`,
});
