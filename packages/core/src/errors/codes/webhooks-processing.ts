import { defineError } from '../define-error.js';

// Errors of processing the webhook inbox (webhooks/process/) and of replaying dead letters. Codes are
// never reused once retired; add new ones at the end. Messages name connectors, event types, inbox
// ids and routing keys (vendor account ids, not secrets), never bodies or header values.

export const WEBHOOK_PROCESSING_UNKNOWN_CONNECTION = defineError<{ connector: string; routingKey: string; reason: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_PROCESSING_UNKNOWN_CONNECTION',
  httpStatus: 422,
  meaning: 'A stored webhook event could not be routed to a connection (no connection has its routing key, or the connector has several and declares no route); it was dead-lettered, not retried.',
  fix: 'Declare the connection (connections[].config.account_id in YAML, or connect the account so its vendor account id is known), or a webhooks.route; then replay the dead letter.',
  message: (d) => `webhook event of ${d.connector} has no connection${d.routingKey === '' ? '' : ` for routing key "${d.routingKey}"`}: ${d.reason}`,
});

export const WEBHOOK_PROCESSING_UNKNOWN_CONNECTOR = defineError<{ connector: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_PROCESSING_UNKNOWN_CONNECTOR',
  httpStatus: 422,
  meaning: 'A stored webhook event belongs to a connector that this daemon no longer configures with webhooks (removed or idle); it was dead-lettered.',
  fix: 'Restore the connector and its webhooks block (or set its environment variables), then replay the dead letter.',
  message: (d) => `webhook event of connector "${d.connector}" cannot be processed: the connector has no webhooks configured here`,
});

export const WEBHOOK_PROCESSING_INVALID_JSON = defineError<{ connector: string; inboxId: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_PROCESSING_INVALID_JSON',
  httpStatus: 422,
  meaning: 'A stored webhook body is not valid JSON, so it cannot be mapped; it was dead-lettered with its raw bytes.',
  fix: 'Inspect the dead letter; replaying will not help unless the vendor resends a valid body.',
  message: (d) => `webhook event ${d.inboxId} of ${d.connector} is not valid JSON`,
});

export const WEBHOOK_PROCESSING_ATTEMPTS_EXHAUSTED = defineError<{ connector: string; inboxId: string; attempts: number; lastError: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_PROCESSING_ATTEMPTS_EXHAUSTED',
  meaning: 'Processing a webhook event failed on every attempt (the database was unreachable, or the daemon died while processing it); it was dead-lettered.',
  fix: 'Read the last error in the dead letter; once the cause is fixed, replay it (`connectd replay --id <id>`).',
  message: (d) => `webhook event ${d.inboxId} of ${d.connector} failed ${d.attempts} times; last error: ${d.lastError}`,
});

export const WEBHOOK_PROCESSING_FAILED = defineError<{ connector: string; inboxId: string; reason: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_PROCESSING_FAILED',
  meaning: 'Processing a webhook event failed with an error that carries no connectd code; the event is retried with backoff.',
  fix: 'Read the chained cause in the log line; the event is dead-lettered after its last attempt and can be replayed once fixed.',
  message: (d) => `webhook event ${d.inboxId} of ${d.connector} failed: ${d.reason}`,
});

export const WEBHOOK_PROCESSING_RECORDS_PATH = defineError<{ connector: string; eventType: string; reason: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_PROCESSING_RECORDS_PATH',
  httpStatus: 422,
  meaning: "A webhook event's `records:` path failed on the event, so none of its records could be mapped; the whole event was dead-lettered.",
  fix: 'Fix webhooks.events.<type>.records for this shape of event, then replay the dead letter.',
  message: (d) => `records path of ${d.connector} event "${d.eventType}" failed: ${d.reason}`,
});

export const REPLAY_NO_SELECTION = defineError({
  code: 'CONNECTD_ERR_REPLAY_NO_SELECTION',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A replay named no dead letters: it needs ids, a connector, or "all".',
  fix: 'Run `connectd replay --id <id>`, `--connector <name>` or `--all` (API: { "ids": [...] }, { "connector": "..." } or { "all": true }).',
  message: () => 'say which dead letters to replay: --id <id>, --connector <name> or --all',
});

export const REPLAY_INVALID_REQUEST = defineError<{ reason: string }>({
  code: 'CONNECTD_ERR_REPLAY_INVALID_REQUEST',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A replay request is malformed (ids that are not numbers, a connector that is not a string).',
  fix: 'Send { "connector"?: string, "ids"?: string[] of numeric ids, "all"?: boolean }.',
  message: (d) => `invalid replay request: ${d.reason}`,
});

export const REPLAY_NOT_REPLAYABLE = defineError<{ id: string; reason: string }>({
  code: 'CONNECTD_ERR_REPLAY_NOT_REPLAYABLE',
  httpStatus: 422,
  meaning: 'A dead letter could not be replayed: what it refers to is gone (its inbox row, stream, connection or job kind) or it holds nothing to retry (a body that is not JSON). It stays open.',
  fix: 'Read the reason; restore the stream or connection in connectors.yaml and replay again, or leave the letter for inspection.',
  message: (d) => `dead letter ${d.id} cannot be replayed: ${d.reason}`,
});

export const WEBHOOK_PROCESSING_FETCH_PARAM = defineError<{ connector: string; eventType: string; param: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_PROCESSING_FETCH_PARAM',
  httpStatus: 422,
  meaning: "A webhook event's follow-up fetch needs a value the event does not carry (its `fetch.params` expression gave nothing), so the event was dead-lettered.",
  fix: 'Fix webhooks.events.<type>.fetch.params for this shape of event, then replay the dead letter.',
  message: (d) => `the follow-up fetch of ${d.connector} event "${d.eventType}" has no value for {${d.param}}`,
});

export const WEBHOOK_PROCESSING_FETCH_FAILED = defineError<{ connector: string; eventType: string; status?: number | undefined; reason: string }>({
  code: 'CONNECTD_ERR_WEBHOOK_PROCESSING_FETCH_FAILED',
  httpStatus: 502,
  meaning:
    "A webhook event's follow-up fetch failed. A vendor answer of 404 or 410 (the object is gone) dead-letters the event; anything else (a 5xx after retries, an open breaker, a refused token) retries it later with backoff.",
  fix: 'Check the vendor and the connection (`connectd status`); a dead-lettered event can be replayed once the object exists again.',
  message: (d) => `the follow-up fetch of ${d.connector} event "${d.eventType}" failed${d.status === undefined ? '' : ` with HTTP ${d.status}`}: ${d.reason}`,
});
