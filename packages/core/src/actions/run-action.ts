/**
 * Runs one action invocation: check the input, build the request once, then attempt it. Each
 * attempt of an action with a lookup first asks the vendor whether an earlier attempt (or an
 * earlier invocation) already succeeded, and only sends the request when it did not: a retry after
 * a timeout never creates a second order, even at a vendor that does not dedupe.
 *
 * The request goes out without the client's `idempotencyKey`, so the client never repeats it on
 * its own; every repeat is decided here, after a fresh lookup. Only a request declared
 * `idempotent: true` (a POST that merely reads, say) is also repeated by the client.
 */
import type { OutgoingRequest } from '../connector/index.js';
import {
  ACTION_FAILED,
  ACTION_OUTCOME_UNKNOWN,
  ACTION_RESULT_MAP_FAILED,
  ACTION_VENDOR_REJECTED,
  HTTP_BREAKER_OPEN,
  HTTP_REQUEST_FAILED,
  HTTP_RETRIES_EXHAUSTED,
  HTTP_RETRY_AFTER_TOO_LONG,
  isConnectdError,
} from '../errors/index.js';
import { fullJitterDelayMs, parseRetryAfterMs, sleep as realSleep, transportErrorCode, type HttpResponse, type Sleep } from '../http/index.js';
import type { Logger } from '../log/index.js';
import type { ActionConnection, ActionResult, CompiledAction, PreparedAction } from './types.js';
import { readVendorError } from './vendor-error.js';

/** Attempts per invocation (lookup and request each); the job worker retries a failed invocation later. */
export const DEFAULT_ACTION_MAX_ATTEMPTS = 3;
/** Cap of the first backoff delay; it doubles per retry, full jitter picks 0..cap. */
export const DEFAULT_ACTION_BASE_DELAY_MS = 500;
export const DEFAULT_ACTION_MAX_DELAY_MS = 10_000;
/** Longest `Retry-After` waited for in-run; a longer one ends the invocation (the job retries it later). */
export const DEFAULT_ACTION_MAX_WAIT_MS = 60_000;

/**
 * Transport failures that happen before a request can reach the vendor: the connection was never
 * made, so even an action without idempotency may be sent again.
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH']);

export interface ActionRunOptions {
  readonly action: CompiledAction;
  readonly connection: ActionConnection;
  readonly input: unknown;
  readonly signal?: AbortSignal | undefined;
  readonly log: Logger;
  /** Attempts in-run, the first included; default {@link DEFAULT_ACTION_MAX_ATTEMPTS}. */
  readonly maxAttempts?: number | undefined;
  readonly baseDelayMs?: number | undefined;
  readonly maxDelayMs?: number | undefined;
  readonly maxWaitMs?: number | undefined;
  /** Injectables for tests. */
  readonly sleep?: Sleep | undefined;
  readonly random?: (() => number) | undefined;
}

/** Why an attempt did not end the invocation, and how the next one may go. */
interface Failure {
  /** `retry`: try again; `stop`: end now, retryable later (nothing was sent); `unknown`: may have happened, never repeat. */
  readonly kind: 'retry' | 'stop' | 'unknown';
  readonly reason: string;
  readonly status?: number | undefined;
  readonly retryAfterMs?: number | undefined;
  readonly cause?: unknown;
}

type Done = { readonly kind: 'done'; readonly value: Omit<ActionResult, 'attempts'> };
type Outcome = Done | Failure;

/**
 * Runs an action to its end: `created` (the request succeeded), `existing` (the lookup found an
 * earlier success; nothing was sent), or a coded error. Throws (exit code 2: do not retry)
 * ACTION_INPUT_INVALID, ACTION_BODY_INVALID, ACTION_VENDOR_REJECTED (a 4xx, with the vendor's
 * error), ACTION_LOOKUP_UNREADABLE, ACTION_RESULT_MAP_FAILED and ACTION_OUTCOME_UNKNOWN (an action
 * without idempotency that may have happened); and (exit code 1: retry the job later)
 * ACTION_FAILED when temporary failures outlast the attempts.
 * @example
 * const { outcome, result } = await runAction({
 *   action, // compileAction('storq', 'create_order', declaration)
 *   connection: runtime, // { client, baseUrl, templateValues }
 *   input: { customer_email: 'a@example.com', external_id: 'A-1', line_items: [{ sku: 'SKU-1', quantity: 2 }] },
 *   log,
 * });
 */
export async function runAction(options: ActionRunOptions): Promise<ActionResult> {
  const { action, connection, signal, log } = options;
  const input = action.checkInput(options.input);
  const prepared = await action.prepare(input, connection);
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_ACTION_MAX_ATTEMPTS);
  const backoff = { baseDelayMs: options.baseDelayMs ?? DEFAULT_ACTION_BASE_DELAY_MS, maxDelayMs: options.maxDelayMs ?? DEFAULT_ACTION_MAX_DELAY_MS };
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_ACTION_MAX_WAIT_MS;
  const sleep = options.sleep ?? realSleep;
  const who = { connector: action.connector, action: action.name };
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(action, connection, prepared, signal);
    if (outcome.kind === 'done') {
      log.info({ ...who, outcome: outcome.value.outcome, status: outcome.value.status, attempts: attempt }, 'action done');
      return { ...outcome.value, attempts: attempt };
    }
    const last = { ...who, attempts: attempt, reason: outcome.reason, status: outcome.status };
    const cause = outcome.cause === undefined ? undefined : { cause: outcome.cause };
    if (outcome.kind === 'unknown') throw ACTION_OUTCOME_UNKNOWN(last, cause);
    if (outcome.kind === 'stop' || attempt >= maxAttempts) throw ACTION_FAILED(last, cause);
    if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > maxWaitMs) {
      throw ACTION_FAILED({ ...last, reason: `the vendor asks to wait ${outcome.retryAfterMs} ms, longer than ${maxWaitMs} ms` }, cause);
    }
    const delayMs = outcome.retryAfterMs ?? fullJitterDelayMs(attempt - 1, backoff, options.random);
    log.warn({ ...who, attempt, reason: outcome.reason, status: outcome.status, retryInMs: delayMs }, 'action attempt failed; retrying');
    await sleep(delayMs, signal);
  }
}

/** One attempt: the lookup (when declared), then the request unless the lookup found a match. */
async function attemptOnce(action: CompiledAction, connection: ActionConnection, prepared: PreparedAction, signal: AbortSignal | undefined): Promise<Outcome> {
  if (prepared.lookup !== undefined) {
    const found = await lookUp(action, connection, prepared, prepared.lookup, signal);
    if (found !== undefined) return found;
  }
  let response: HttpResponse;
  try {
    response = await connection.client.send({ ...prepared.request, idempotent: action.idempotent, signal });
  } catch (err) {
    return sendFailure(err, action.retrySafe, signal);
  }
  const { status } = response;
  if (status >= 200 && status < 300) return done(action, prepared, 'created', status, bodyOf(response));
  if (status === 409 && prepared.lookup !== undefined) {
    // "Already exists": another caller (or our own attempt the lookup just missed) created it.
    const found = await lookUp(action, connection, prepared, prepared.lookup, signal);
    if (found?.kind === 'done') return found;
  }
  const retryAfterMs = parseRetryAfterMs(response.headers['retry-after']);
  // A 429 is refused before any work is done, so it is repeated even without idempotency.
  if (status === 429) return { kind: 'retry', reason: 'rate limited', status, retryAfterMs };
  if (status === 408 || status >= 500) return { kind: action.retrySafe ? 'retry' : 'unknown', reason: `status ${status}`, status, retryAfterMs };
  throw rejected(action, 'request', response);
}

/** The lookup's verdict: done (a match), a failure, or undefined when nothing matches. */
async function lookUp(
  action: CompiledAction,
  connection: ActionConnection,
  prepared: PreparedAction,
  lookup: OutgoingRequest,
  signal: AbortSignal | undefined,
): Promise<Outcome | undefined> {
  let response: HttpResponse;
  try {
    response = await connection.client.send({ ...lookup, signal });
  } catch (err) {
    // A GET is safe to repeat; the request is never sent blind after a failed lookup.
    return sendFailure(err, true, signal, 'lookup: ');
  }
  const { status } = response;
  if (status === 429 || status === 408 || status >= 500) {
    return { kind: 'retry', reason: `lookup: status ${status}`, status, retryAfterMs: parseRetryAfterMs(response.headers['retry-after']) };
  }
  if (status < 200 || status >= 300) throw rejected(action, 'lookup', response);
  const matches = await action.matches(bodyOf(response), prepared.key);
  if (matches.length === 0) return undefined;
  return done(action, prepared, 'existing', status, matches[0]);
}

/** Classifies what `client.send` threw. Aborts and errors that are not the vendor's (auth, bad URL) pass through. */
function sendFailure(err: unknown, retrySafe: boolean, signal: AbortSignal | undefined, prefix = ''): Failure {
  if (signal?.aborted === true || !isConnectdError(err)) throw err;
  switch (err.code) {
    case HTTP_BREAKER_OPEN.code:
    case HTTP_RETRY_AFTER_TOO_LONG.code:
      return { kind: 'stop', reason: `${prefix}${err.message}`, cause: err };
    case HTTP_RETRIES_EXHAUSTED.code:
      return { kind: 'retry', reason: `${prefix}${err.message}`, status: err.details['status'] as number | undefined, cause: err };
    case HTTP_REQUEST_FAILED.code: {
      const code = transportErrorCode(err) ?? String(err.details['reason'] ?? 'error');
      const kind = retrySafe || NOT_SENT_CODES.has(code) ? 'retry' : 'unknown';
      return { kind, reason: `${prefix}${code}`, cause: err };
    }
    default:
      throw err;
  }
}

async function done(action: CompiledAction, prepared: PreparedAction, outcome: 'created' | 'existing', status: number, value: unknown): Promise<Done> {
  try {
    return { kind: 'done', value: { outcome, status, result: await action.result(value, prepared.bindings) } };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw ACTION_RESULT_MAP_FAILED({ connector: action.connector, action: action.name, outcome, status, reason }, { cause: err });
  }
}

function rejected(action: CompiledAction, stage: 'request' | 'lookup', response: HttpResponse): Error {
  const vendor = readVendorError(response);
  return ACTION_VENDOR_REJECTED({ connector: action.connector, action: action.name, stage, status: response.status, vendorError: vendor.body, summary: vendor.summary });
}

/** The answer's JSON; an empty body is null and a body that is not JSON is its text. */
function bodyOf(response: HttpResponse): unknown {
  if (response.body.length === 0) return null;
  try {
    return response.json();
  } catch {
    return response.text();
  }
}
