/**
 * Codes that were once raised and are no longer. A code is never reused (a log search or a
 * script matching it must not start matching something else), so they stay listed here and in
 * docs/errors.md, each with what replaced it.
 */
export const RETIRED_CODES: ReadonlyArray<{ readonly code: `CONNECTD_ERR_${string}`; readonly replacedBy: string; readonly why: string }> = [
  {
    code: 'CONNECTD_ERR_SYNC_UNKNOWN_CONNECTOR',
    replacedBy: 'CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR',
    why: 'an unknown connector is named by syncs, actions, `connectd connect` and the admin API alike',
  },
  {
    code: 'CONNECTD_ERR_SYNC_NO_CONNECTION',
    replacedBy: 'CONNECTD_ERR_CONNECTION_UNAVAILABLE',
    why: 'syncs and actions resolve their connection the same way',
  },
];
