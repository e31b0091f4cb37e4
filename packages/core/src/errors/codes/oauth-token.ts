import { defineError } from '../define-error.js';

// Errors of oauth-token. Codes are never reused once retired; add new ones at the end.
// Messages never carry a token, a code, a client secret or a vendor response body.

/** `token_migration`: a connector's `auth.migrate` exchange of a non-expiring token. */
type Grant = 'authorization_code' | 'refresh_token' | 'client_credentials' | 'token_migration';

const RECONNECT = (connector: string): string =>
  `reconnect the account: make a consent link with \`connectd connect ${connector} --tenant <tenant>\` (or POST /api/connect-sessions) and open it`;

export const OAUTH_TOKEN_URL_INVALID = defineError<{ connector: string; missing: string[]; unsafe: string[] }>({
  code: 'CONNECTD_ERR_OAUTH_TOKEN_URL_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning: "A connector's token_url has {placeholders} that the connection's config does not fill, or fills with a value that could change the URL (a /, @, ? or #).",
  fix: "Give the connection every value the token_url names (e.g. its shop host), as a bare host or id; or correct token_url in connectors.yaml.",
  message: (d) => {
    const parts = [
      d.missing.length > 0 ? `missing ${d.missing.join(', ')}` : '',
      d.unsafe.length > 0 ? `unsafe (must be a bare host or id) ${d.unsafe.join(', ')}` : '',
    ].filter((p) => p !== '');
    return `token_url of connector ${d.connector} cannot be filled from the connection's config: ${parts.join('; ')}`;
  },
});

export const OAUTH_TOKEN_REQUEST_FAILED = defineError<{
  connector: string;
  grant: Grant;
  status: number;
  error?: string | undefined;
  description?: string | undefined;
}>({
  code: 'CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED',
  httpStatus: 502,
  meaning: "A connector's token endpoint refused or failed a token request with an error that does not mean the grant is gone (bad client credentials, a server error).",
  fix: "Check the connector's client_id, client_secret, client_auth and token_request_format against the vendor's app settings; on a 5xx, the vendor is failing and the call is tried again later.",
  message: (d) =>
    `token endpoint of connector ${d.connector} answered ${d.status} to the ${d.grant} grant` +
    (d.error === undefined ? '' : ` (${d.error}${d.description === undefined ? '' : `: ${d.description}`})`) +
    (d.status === 401 || d.error === 'invalid_client' ? '; check client_id, client_secret and client_auth' : ''),
});

export const OAUTH_INVALID_GRANT = defineError<{
  connector: string;
  grant: Grant;
  error: string;
  description?: string | undefined;
}>({
  code: 'CONNECTD_ERR_OAUTH_INVALID_GRANT',
  httpStatus: 400,
  meaning: 'The token endpoint says the authorization code or refresh token is no longer valid (expired, revoked, already used): the connection needs the user to consent again.',
  fix: 'The tenant must reconnect the account: make a consent link with `connectd connect <connector> --tenant <tenant>` (or POST /api/connect-sessions) and open it in a browser.',
  message: (d) =>
    `token endpoint of connector ${d.connector} refused the ${d.grant} grant with ${d.error}` +
    `${d.description === undefined ? '' : ` (${d.description})`}; ${RECONNECT(d.connector)}`,
});

export const OAUTH_TOKEN_RESPONSE_INVALID = defineError<{ connector: string; grant: Grant; status: number; reason: string }>({
  code: 'CONNECTD_ERR_OAUTH_TOKEN_RESPONSE_INVALID',
  httpStatus: 502,
  meaning: 'A token endpoint answered success but not with a JSON object holding a non-empty string access_token.',
  fix: "Check that the connector's token_url is the vendor's token endpoint (not a login page or a proxy) and that its token_request_format is what the vendor expects.",
  message: (d) => `token endpoint of connector ${d.connector} answered ${d.status} to the ${d.grant} grant without a usable token: ${d.reason}; check token_url`,
});

export const OAUTH_REVOKE_FAILED = defineError<{ connector: string; connection: string; status?: number | undefined; reason: string }>({
  code: 'CONNECTD_ERR_OAUTH_REVOKE_FAILED',
  meaning:
    "Revoking a deleted connection's OAuth tokens at the vendor (`auth.revoke`) failed or timed out. It is logged as a warning only: the connection was deleted anyway, and its tokens stay valid at the vendor until they expire or the tenant removes the app.",
  fix: "Check `auth.revoke` (url, method, format, headers, body) against the vendor's revocation docs; for a grant that must not outlive the connection, have the tenant remove the app in the vendor's settings.",
  message: (d) =>
    `could not revoke the OAuth tokens of connection "${d.connection}" (connector ${d.connector}) at the vendor: ${d.status === undefined ? '' : `answered ${d.status}; `}${d.reason}`,
});
