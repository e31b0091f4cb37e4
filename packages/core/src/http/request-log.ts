import { REDACTED, type Logger } from '../log/index.js';

/** One attempt as the request log records it. Never headers, never bodies. */
export interface AttemptRecord {
  readonly method: string;
  /** Raw URL of the attempt; redacted here, and only when the line is written. */
  readonly url: string;
  readonly attempt: number;
  readonly status?: number | undefined;
  /** Code of the failure when no response arrived (ECONNRESET, UND_ERR_HEADERS_TIMEOUT, ...). */
  readonly error?: string | undefined;
  readonly durationMs: number;
  /** Time spent waiting for the rate limiter before sending. */
  readonly waitedMs: number;
  /** Delay before the next attempt, when one follows. */
  readonly retryInMs?: number | undefined;
}

/** Writes the request log of one connection. */
export type RequestLog = (record: AttemptRecord) => void;

const round = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * The request log of one connection: one `http request` line at info per attempt (retries and the
 * refresh retry included) with method, redacted URL, status or error code, duration, attempt
 * number, rate-limit wait and retry delay. Skips all work when info is off.
 * @example
 * const logAttempt = createRequestLog(log, 'storq:acme', redactUrl);
 * logAttempt({ method: 'GET', url, attempt: 1, status: 200, durationMs: 12.3, waitedMs: 0 });
 */
export function createRequestLog(parent: Logger, connection: string, redact: (url: string) => string): RequestLog {
  // The line has fixed keys holding values built here (a redacted URL, numbers, error codes), so the
  // logger's path redaction can never match anything in it, yet with wildcard paths it costs about
  // 2 µs per key per line, more than the rest of the runtime together. This child skips the path
  // rules for these lines only; the value scrub of known secrets (the stream hook) still runs.
  const log = parent.child({}, { redact: { paths: [], censor: REDACTED } });
  return (record) => {
    if (!log.isLevelEnabled('info')) return;
    // Only the fields that have a value: pino pays per key (serialising and redaction checks).
    const line: Record<string, unknown> = { connection, method: record.method, url: redact(record.url), attempt: record.attempt };
    if (record.status !== undefined) line.status = record.status;
    if (record.error !== undefined) line.error = record.error;
    line.durationMs = round(record.durationMs);
    line.waitedMs = round(record.waitedMs);
    if (record.retryInMs !== undefined) line.retryInMs = Math.round(record.retryInMs);
    log.info(line, 'http request');
  };
}
