import { defineError } from '../define-error.js';

// Errors of the sync area. Codes are never reused once retired; add new ones at the end.

export const SYNC_VENDOR_STATUS = defineError<{ connector: string; stream: string; status: number; url: string }>({
  code: 'CONNECTD_ERR_SYNC_VENDOR_STATUS',
  meaning: 'The vendor answered a stream request with an error status that is not retried (e.g. 400, 403, 404).',
  fix: 'Check the stream request (path, query, auth scopes) against the vendor API; the run resumes from its checkpoint once fixed.',
  message: (d) => `stream ${d.connector}.${d.stream}: the vendor answered ${d.status} for ${d.url}`,
});

export const SYNC_UNKNOWN_STREAM = defineError<{ connector: string; stream: string; known: string }>({
  code: 'CONNECTD_ERR_SYNC_UNKNOWN_STREAM',
  exitCode: 2,
  httpStatus: 404,
  meaning: 'A sync names a connector or stream the config does not declare.',
  fix: 'Use one of the names listed in the message (see `connectd validate`).',
  message: (d) => `unknown stream "${d.stream}" of connector "${d.connector}"; known: ${d.known}`,
});

export const SYNC_PREREQUISITES_UNMET = defineError<{ connector: string; stream: string; connection: string; waitingFor: string }>({
  code: 'CONNECTD_ERR_SYNC_PREREQUISITES_UNMET',
  meaning: 'A stream was not run because streams it runs after (`after:`) have not succeeded on the connection yet, and could not be run first.',
  fix: 'Fix the prerequisite stream named in the message (its own error is reported beside this one, or in `connectd status`), then sync again.',
  message: (d) => `stream ${d.connector}.${d.stream} was not run: it runs after ${d.waitingFor}, which ${d.waitingFor.includes(',') ? 'have' : 'has'} not succeeded on connection ${d.connection}`,
});
