import { defineError } from '../define-error.js';

// Errors of connections at run time and of the admin API that manages them. Codes are never
// reused once retired; add new ones at the end. Messages never carry a credential.

export const CONNECTION_NOT_FOUND = defineError<{ connection: string }>({
  code: 'CONNECTD_ERR_CONNECTION_NOT_FOUND',
  exitCode: 2,
  httpStatus: 404,
  meaning: 'No connection has this id.',
  fix: 'List the connections with GET /api/connections (or `connectd status`) and use one of their ids.',
  message: (d) => `connection "${d.connection}" does not exist`,
});

export const CONNECTION_DISABLED = defineError<{ connection: string; reason: string }>({
  code: 'CONNECTD_ERR_CONNECTION_DISABLED',
  exitCode: 2,
  httpStatus: 409,
  meaning: 'The connection was disabled, so it does not sync, act or refresh tokens.',
  fix: 'Enable it with POST /api/connections/{id}/enable, or reconnect it (OAuth: a link from `connectd connect` or POST /api/connect-sessions).',
  message: (d) => `connection "${d.connection}" is disabled (${d.reason}); enable it with POST /api/connections/${d.connection}/enable`,
});

export const CONNECTION_REQUEST_INVALID = defineError<{ reason: string }>({
  code: 'CONNECTD_ERR_CONNECTION_REQUEST_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'An admin API request to create or change a connection is malformed.',
  fix: 'Send JSON like {"connector":"<connector>","tenant":"acme","config":{},"secrets":{"api_key":"…"}}; ids and tenants are letters, digits, ".", "_" and "-".',
  message: (d) => `invalid connection request: ${d.reason}`,
});

export const CONNECTION_DECLARED_IN_CONFIG = defineError<{ connection: string }>({
  code: 'CONNECTD_ERR_CONNECTION_DECLARED_IN_CONFIG',
  exitCode: 2,
  httpStatus: 409,
  meaning: 'The connection is declared in connectors.yaml, so the admin API cannot delete or replace it: it would come back at the next start.',
  fix: 'Remove it from connectors.yaml (or disable it through the admin API to stop it without editing the file).',
  message: (d) => `connection "${d.connection}" is declared in connectors.yaml; edit the file to remove or change it, or disable it`,
});

export const CONNECTION_NEEDS_CONSENT = defineError<{ connector: string }>({
  code: 'CONNECTD_ERR_CONNECTION_NEEDS_CONSENT',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'The connector authenticates with an OAuth code grant: its connections are made by the tenant consenting at the vendor, not by the admin API.',
  fix: 'Send the tenant a consent link: POST /api/connect-sessions `{"connector","tenant"}` answers it as `url`, and `connectd connect <connector> --tenant …` prints one.',
  message: (d) => `connector "${d.connector}" uses OAuth: its connections are made by the tenant's consent; make a consent link with POST /api/connect-sessions or \`connectd connect ${d.connector} --tenant …\``,
});

export const CONNECTION_NOT_OAUTH = defineError<{ connector: string; auth: string }>({
  code: 'CONNECTD_ERR_CONNECTION_NOT_OAUTH',
  exitCode: 2,
  httpStatus: 400,
  meaning: '`connectd connect` names a connector that does not authenticate with an OAuth code grant, so there is no consent page to send anyone to.',
  fix: 'Use a connector whose auth is `type: oauth2` (grant authorization_code); API-key connections are declared in connectors.yaml or created with POST /api/connections.',
  message: (d) => `connector "${d.connector}" does not use an OAuth code grant (its auth is ${d.auth}); there is no consent URL to print`,
});

export const CONNECTION_UNAVAILABLE = defineError<{ connector: string; connection: string; reason: string }>({
  code: 'CONNECTD_ERR_CONNECTION_UNAVAILABLE',
  exitCode: 2,
  httpStatus: 409,
  meaning: 'The connector has no usable connection for this sync or action: idle for missing variables, none declared, not set up, disabled or deleted.',
  fix: "Set the connector's environment variables, declare or create a connection, or enable it; `connectd status` shows why it is unavailable.",
  message: (d) => `connector "${d.connector}" has no usable connection${d.connection ? ` "${d.connection}"` : ''}: ${d.reason}`,
});
