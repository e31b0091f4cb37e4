import { defineError } from '../define-error.js';

// Errors of the daemon area. Codes are never reused once retired; add new ones at the end.

export const DAEMON_ENV_INVALID = defineError<{ variable: string; reason: string }>({
  code: 'CONNECTD_ERR_DAEMON_ENV_INVALID',
  exitCode: 2,
  meaning: 'An environment variable the daemon reads has a value it cannot use.',
  fix: 'Correct the variable named in the message (see the README for each variable and its form).',
  message: (d) => `environment variable ${d.variable} is invalid: ${d.reason}`,
});

export const DAEMON_LISTEN_FAILED = defineError<{ host: string; port: number }>({
  code: 'CONNECTD_ERR_DAEMON_LISTEN_FAILED',
  meaning: 'The daemon could not open its HTTP port.',
  fix: 'Stop whatever holds the port, or choose another one with PORT (or server.port in connectors.yaml).',
  message: (d) => `cannot listen on ${d.host}:${d.port}; is another process using it? Set PORT (or server.port) to choose another`,
});

export const DAEMON_ADMIN_DISABLED = defineError({
  code: 'CONNECTD_ERR_DAEMON_ADMIN_DISABLED',
  httpStatus: 403,
  meaning: 'The admin API (/api/*) is closed because no admin token is configured.',
  fix: 'Set CONNECTD_ADMIN_TOKEN for the daemon and send it as `Authorization: Bearer <token>`.',
  message: () => 'the admin API is disabled: set CONNECTD_ADMIN_TOKEN to enable it',
});

export const DAEMON_UNAUTHORIZED = defineError({
  code: 'CONNECTD_ERR_DAEMON_UNAUTHORIZED',
  httpStatus: 401,
  meaning: 'An /api/* request carried no bearer token or the wrong one.',
  fix: 'Send `Authorization: Bearer $CONNECTD_ADMIN_TOKEN`.',
  message: () => 'missing or wrong admin token; send Authorization: Bearer <CONNECTD_ADMIN_TOKEN>',
});

export const DAEMON_NOT_FOUND = defineError<{ method: string; url: string }>({
  code: 'CONNECTD_ERR_DAEMON_NOT_FOUND',
  httpStatus: 404,
  meaning: 'No route of the daemon matches the request.',
  fix: 'Check the method and path against the routes in the README.',
  message: (d) => `no route for ${d.method} ${d.url}`,
});

export const DAEMON_BAD_REQUEST = defineError<{ reason: string }>({
  code: 'CONNECTD_ERR_DAEMON_BAD_REQUEST',
  httpStatus: 400,
  meaning: 'The daemon could not read the request (malformed body, bad content type, too large).',
  fix: 'Send a well-formed request as the route documents.',
  message: (d) => `bad request: ${d.reason}`,
});

export const DAEMON_SHUTDOWN_TIMEOUT = defineError<{ deadlineMs: number }>({
  code: 'CONNECTD_ERR_DAEMON_SHUTDOWN_TIMEOUT',
  meaning: 'In-flight work did not finish before the shutdown deadline, so the daemon stopped it.',
  fix: 'Nothing is lost (work is durable in the store); raise the deadline if this happens often.',
  message: (d) => `in-flight work did not finish within ${d.deadlineMs} ms; stopping anyway`,
});
