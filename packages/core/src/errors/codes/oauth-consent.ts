import { defineError } from '../define-error.js';

// Errors of oauth-consent. Codes are never reused once retired; add new ones at the end.
// Messages never carry a token, a code, a client secret or a vendor response body.
// They never carry the `state` text either (its signature is what makes a flow trustworthy).

export const OAUTH_UNKNOWN_CONNECTOR = defineError<{ connector: string }>({
  code: 'CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR',
  httpStatus: 404,
  meaning: 'A consent flow was asked for a connector that is not configured, or whose auth is not an oauth2 authorization-code grant.',
  fix: 'Use the connector key from connectors.yaml in /oauth/<connector>/start, and give that connector `auth: { type: oauth2, authorize_url, ... }`.',
  message: (d) => `connector "${d.connector}" has no OAuth consent flow: it is not configured, or its auth is not oauth2 with the authorization_code grant`,
});

export const OAUTH_START_INVALID = defineError<{ connector: string; parameter: string; reason: string }>({
  code: 'CONNECTD_ERR_OAUTH_START_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning:
    'The start of a consent flow (or the link `connectd connect` was asked for) had a missing or invalid parameter: tenant, connection id, a connection setting the OAuth URLs need, or one the connector does not declare in `auth.params` or that fails its pattern.',
  fix: 'Link to /oauth/<connector>/start?tenant=<id> with ids of letters, digits, ".", "_" and "-", pass every {placeholder} of the OAuth URLs as a plain value (a host, not a URL), and only the parameters `auth.params` declares, matching their patterns (e.g. shop=acme.myshopify.com).',
  message: (d) => `cannot start the OAuth flow of connector "${d.connector}": query parameter "${d.parameter}" ${d.reason}`,
});

export const OAUTH_STATE_INVALID = defineError<{ reason: 'missing' | 'malformed' | 'signature' | 'other-connector' }>({
  code: 'CONNECTD_ERR_OAUTH_STATE_INVALID',
  httpStatus: 400,
  meaning: 'An OAuth callback arrived without a valid `state`: it is missing, malformed, not signed by this connectd, or belongs to another connector.',
  fix: 'Start the flow again from /oauth/<connector>/start. If it keeps happening, check that every connectd process shares CONNECTD_SECRET_KEY (the state is signed with a key derived from it).',
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
  fix: 'Start the flow again from /oauth/<connector>/start and finish it within the state lifetime (10 minutes by default).',
  message: (d) => `the OAuth sign-in link expired at ${d.expiredAt}; start the flow again`,
});

export const OAUTH_STATE_USED = defineError<Record<string, never>>({
  code: 'CONNECTD_ERR_OAUTH_STATE_USED',
  httpStatus: 400,
  meaning: 'An OAuth callback reused a state that was already used (a reload, a back button, or a replayed link), or its flow was cleaned up.',
  fix: 'Nothing to fix if the account is connected already; otherwise start the flow again from /oauth/<connector>/start.',
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
