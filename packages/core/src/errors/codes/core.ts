import { defineError } from '../define-error.js';

/** Errors that belong to no single area. */
export const INTERNAL = defineError<{ message: string }>({
  code: 'CONNECTD_ERR_INTERNAL',
  meaning: 'An unexpected failure inside connectd (a bug).',
  fix: 'Report it with the log line that carries this code; the cause is attached.',
  message: (d) => `internal error: ${d.message}`,
});
