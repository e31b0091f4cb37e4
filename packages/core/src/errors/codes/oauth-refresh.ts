import { defineError } from '../define-error.js';

// Errors of oauth-refresh. Codes are never reused once retired; add new ones at the end.
// Messages never carry a token, a code, a client secret or a vendor response body.

/** How a tenant reconnects an account: the consent route, or the CLI. */
const reconnectHint = (connector: string, tenant: string | undefined): string => {
  const t = tenant ?? '<tenant>';
  return `make a consent link with \`connectd connect ${connector} --tenant ${t}\` (or POST /api/connect-sessions) and open it`;
};

export const OAUTH_NEEDS_REAUTH = defineError<{
  connector: string;
  connection: string;
  tenant?: string | undefined;
  /** Why: the vendor's error code, or that no refresh token is stored. Never a token or a response body. */
  reason: string;
}>({
  code: 'CONNECTD_ERR_OAUTH_NEEDS_REAUTH',
  exitCode: 2,
  httpStatus: 409,
  meaning: "An OAuth connection's grant is gone (the vendor refused its refresh token, or it has none), so it is marked needs_reauth and no request is sent for it until the account is reconnected.",
  fix: 'Reconnect the account: make a consent link with `connectd connect <connector> --tenant <tenant>` (or POST /api/connect-sessions) and open it in a browser.',
  message: (d) =>
    `connection "${d.connection}" of connector "${d.connector}" needs to be reconnected (${d.reason}); ${reconnectHint(d.connector, d.tenant)}`,
});

export const OAUTH_CONNECTION_DISABLED = defineError<{ connector: string; connection: string }>({
  code: 'CONNECTD_ERR_OAUTH_CONNECTION_DISABLED',
  exitCode: 2,
  httpStatus: 409,
  meaning: 'The connection is disabled, so connectd neither uses nor refreshes its OAuth tokens.',
  fix: 'Enable the connection again (or reconnect the account) if it should be used.',
  message: (d) => `connection "${d.connection}" of connector "${d.connector}" is disabled; its OAuth tokens are not used or refreshed`,
});

export const OAUTH_NOT_CONNECTED = defineError<{ connector: string; connection: string; tenant?: string | undefined }>({
  code: 'CONNECTD_ERR_OAUTH_NOT_CONNECTED',
  exitCode: 2,
  httpStatus: 409,
  meaning: 'An OAuth connection has no stored tokens (or does not exist): the account was never connected.',
  fix: 'Connect the account: make a consent link with `connectd connect <connector> --tenant <tenant>` (or POST /api/connect-sessions) and open it in a browser.',
  message: (d) => `connection "${d.connection}" of connector "${d.connector}" has no OAuth tokens; ${reconnectHint(d.connector, d.tenant)}`,
});
