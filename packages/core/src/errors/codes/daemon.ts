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

export const DAEMON_RELOAD_REFUSED = defineError<{ configPath: string; count: number }>({
  code: 'CONNECTD_ERR_DAEMON_RELOAD_REFUSED',
  meaning: 'The running daemon read its changed connectors.yaml and refused it: the file has errors, or what it declares could not be built. The config it ran before keeps running.',
  fix: 'Correct the errors logged with it (`connectd validate` prints the same), then save the file again or send SIGHUP.',
  message: (d) => `the changed ${d.configPath} was refused (${d.count} error${d.count === 1 ? '' : 's'}); the previous config keeps running`,
});

export const DAEMON_RELOAD_NEEDS_RESTART = defineError<{ keys: string[] }>({
  code: 'CONNECTD_ERR_DAEMON_RELOAD_NEEDS_RESTART',
  meaning: 'A reloaded connectors.yaml changed settings the running daemon cannot change without a restart (its address, its public URL, webhook paths and body limits); the rest of the change was applied.',
  fix: 'Restart the daemon to apply these keys; until then it keeps their old values.',
  message: (d) => `${d.keys.join(', ')} changed: these apply after a restart; the daemon keeps their old values until then`,
});

export const DAEMON_UI_REFUSED = defineError<{ reason: string }>({
  code: 'CONNECTD_ERR_DAEMON_UI_REFUSED',
  httpStatus: 403,
  meaning: 'A button of the operations page (/ui) was refused: the form carried no valid CSRF token for the session, or came from another origin.',
  fix: 'Reload /ui and press the button again; a form posted from another site is refused on purpose.',
  message: (d) => `the operations page refused the request: ${d.reason}`,
});
