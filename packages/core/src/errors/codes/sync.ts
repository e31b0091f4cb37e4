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
