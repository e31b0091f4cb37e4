import { defineError } from '../define-error.js';

// Errors of the auth area. Codes are never reused once retired; add new ones at the end.
// Messages name the strategy and the option, never a credential.

export const AUTH_NO_TOKEN_PROVIDER = defineError<{ connection?: string | undefined }>({
  code: 'CONNECTD_ERR_AUTH_NO_TOKEN_PROVIDER',
  meaning: 'An `oauth2` auth was set up for a connection that has no OAuth token source.',
  fix: 'Connect the account first (`connectd connect <connector> --tenant T`), or use an api_key/bearer auth for connections declared in the file.',
  message: (d) =>
    `oauth2 auth needs the connection's OAuth tokens, but ${d.connection === undefined ? 'no connection' : `connection "${d.connection}"`} has none; connect the account first (a consent link from \`connectd connect\`)`,
});

export const AUTH_TOKEN_FAILED = defineError<{ operation: 'get' | 'refresh'; connection?: string | undefined; reason: string }>({
  code: 'CONNECTD_ERR_AUTH_TOKEN_FAILED',
  httpStatus: 502,
  meaning: 'The OAuth token source could not supply an access token (reading or refreshing it failed, or it returned an empty token).',
  fix: 'Check the cause: a revoked grant needs the account reconnected; a token endpoint outage passes on its own.',
  message: (d) =>
    `could not ${d.operation === 'get' ? 'get' : 'refresh'} the OAuth access token${d.connection === undefined ? '' : ` of connection "${d.connection}"`}: ${d.reason}`,
});

export const AUTH_INVALID_HEADER = defineError<{ strategy: string; option: string; reason: string }>({
  code: 'CONNECTD_ERR_AUTH_INVALID_HEADER',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'An auth header name is not a valid HTTP token, or a credential holds characters a header cannot carry (often a trailing newline from a secrets file).',
  fix: 'Fix the header name, or strip the line break or control characters from the credential where it is set.',
  message: (d) => `${d.strategy} auth: ${d.option} ${d.reason}`,
});

export const AUTH_BASIC_USERNAME_COLON = defineError<Record<string, never>>({
  code: 'CONNECTD_ERR_AUTH_BASIC_USERNAME_COLON',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A `basic` auth username contains a colon, which HTTP Basic cannot carry (RFC 7617): the server would split it there.',
  fix: 'Check the username; if the vendor really issues such ids, use an api_key auth with a prebuilt `Basic` value instead.',
  message: () => 'basic auth: the username contains ":", which HTTP Basic auth cannot carry (RFC 7617)',
});
