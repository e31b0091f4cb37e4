import { defineError } from '../define-error.js';

// Errors of the loaded project (config + plugins): questions every command asks of it. Codes are
// never reused once retired; add new ones at the end.

export const PROJECT_UNKNOWN_CONNECTOR = defineError<{ connector: string; known: string }>({
  code: 'CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR',
  exitCode: 2,
  httpStatus: 404,
  meaning: 'A command, URL or API request names a connector the config does not declare.',
  fix: 'Use one of the connector names listed in the message (`connectd validate` lists them all).',
  message: (d) => `unknown connector "${d.connector}"; known: ${d.known}`,
});
