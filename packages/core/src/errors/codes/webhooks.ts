import { defineError } from '../define-error.js';

// Errors of webhook intake and processing (webhooks/). Codes are never reused once retired; add new
// ones at the end. Messages name the connector and the header, never a signature or secret value.

export const WEBHOOK_SIGNATURE_MISSING = defineError<{ connector: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_SIGNATURE_MISSING',
  httpStatus: 401,
  meaning: 'A webhook arrived without the signature (or timestamp) header its connector verifies, or with an empty body; nothing was stored.',
  fix: 'Check that the vendor signs deliveries and that webhooks.verify.header names the header it sends.',
  message: (d) => `webhook for ${d.connector} is not signed (signature header or body missing); nothing was stored`,
});

export const WEBHOOK_SIGNATURE_MISMATCH = defineError<{ connector: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_SIGNATURE_MISMATCH',
  httpStatus: 401,
  meaning: 'A webhook signature did not match any configured secret; nothing was stored.',
  fix: 'Check the secret, algorithm, encoding, prefix and signed_payload (for url_body, the exact notification URL) of webhooks.verify; during a rotation list both secrets under secrets.',
  message: (d) => `webhook signature for ${d.connector} does not match; nothing was stored`,
});

export const WEBHOOK_TIMESTAMP_STALE = defineError<{ connector: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_TIMESTAMP_STALE',
  httpStatus: 401,
  meaning: "A timestamped webhook was signed further from the daemon's clock than tolerance_seconds allows (a replay or a clock problem); nothing was stored.",
  fix: 'Synchronise the clock of this host (NTP); raise webhooks.verify.tolerance_seconds only if the vendor is known to deliver late.',
  message: (d) => `webhook timestamp for ${d.connector} is outside the tolerance; nothing was stored`,
});

export const WEBHOOK_NO_SECRET = defineError<{ connector: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_NO_SECRET',
  httpStatus: 401,
  meaning: 'The connector declares webhooks but no signing secret is configured, so every delivery is rejected (fail closed).',
  fix: 'Set webhooks.verify.secret (or secrets) to a non-empty value, usually from an environment variable, and restart.',
  message: (d) => `webhooks of ${d.connector} have no signing secret configured; every delivery is rejected`,
});

export const WEBHOOK_UNKNOWN_CONNECTOR = defineError<{ connector: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_UNKNOWN_CONNECTOR',
  httpStatus: 404,
  meaning: 'A webhook was posted for a connector that is not configured, declares no webhooks, or is idle.',
  fix: 'Check the URL registered at the vendor (/webhooks/<connector key>), the webhooks: block of that connector, and its environment variables.',
  message: (d) => `no webhook intake for connector "${d.connector}"`,
});

export const WEBHOOK_METHOD_NOT_ALLOWED = defineError<{ method: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_METHOD_NOT_ALLOWED',
  httpStatus: 405,
  meaning: 'A webhook route was called with a method other than POST.',
  fix: 'Vendors deliver webhooks with POST; check the tool or proxy that sent this request.',
  message: (d) => `${d.method} is not allowed on webhook routes; use POST`,
});

export const WEBHOOK_BODY_TOO_LARGE = defineError<{ connector: string; limitBytes: number }>({
  code: 'CONNECTD_ERR_WEBHOOK_BODY_TOO_LARGE',
  httpStatus: 413,
  meaning: 'A webhook body is larger than the body limit of its connector; nothing was stored.',
  fix: 'Raise webhooks.body_limit_bytes of the connector (or server.body_limit_bytes) if the vendor really sends such events.',
  message: (d) => `webhook body for ${d.connector} exceeds ${d.limitBytes} bytes; nothing was stored`,
});

export const WEBHOOK_BAD_JSON = defineError<{ connector: string; detail: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_BAD_JSON',
  httpStatus: 400,
  meaning: 'A correctly signed webhook body is not valid JSON; it was kept as a dead letter for inspection, not processed.',
  fix: 'Inspect the dead letter (source webhook) and the vendor; replaying it will not help unless the vendor resends a valid body.',
  message: (d) => `verified webhook body for ${d.connector} is not valid JSON (${d.detail}); kept as a dead letter`,
});

export const WEBHOOK_BAD_REQUEST = defineError<{ reason: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_BAD_REQUEST',
  httpStatus: 400,
  meaning: 'A webhook request was malformed at the HTTP level (bad Content-Length or Content-Type, truncated body).',
  fix: 'Check the client or proxy that sent it; vendors retry deliveries that were cut off.',
  message: (d) => `malformed webhook request: ${d.reason}`,
});

export const WEBHOOK_INBOX_UNAVAILABLE = defineError<{ connector: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_INBOX_UNAVAILABLE',
  httpStatus: 503,
  meaning: 'A verified webhook could not be written to the inbox (the store failed), so it was not acknowledged; the vendor retries it.',
  fix: 'Check the store (DATABASE_URL, /readyz) and the log line with this code; deliveries resume once the store answers.',
  message: (d) => `webhook for ${d.connector} could not be stored; answer 503 so the vendor retries`,
});

export const WEBHOOK_KEY_PATH_INVALID = defineError<{ spec: string; label: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_KEY_PATH_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A webhooks event_id, event_type or route is neither header:<Name> nor a plain body path.',
  fix: 'Write header:<Header-Name>, or a path of names and indexes such as $.id, $.data.object.id or $.items[0].id (no JSONata predicates).',
  message: (d) => `${d.label}: "${d.spec}" is not header:<Name> or a plain body path such as $.data.id`,
});

export const WEBHOOK_PATH_CONFLICT = defineError<{ path: string; connectors: string[] }>({
  code: 'CONNECTD_ERR_WEBHOOK_PATH_CONFLICT',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'Two connectors declare the same extra webhooks.path, so deliveries could not be told apart.',
  fix: 'Give each connector its own webhooks.path, or drop it and use /webhooks/<connector>.',
  message: (d) => `webhooks.path ${d.path} is declared by ${d.connectors.join(' and ')}; each path must belong to one connector`,
});
