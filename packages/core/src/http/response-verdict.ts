import type { Classification, ErrorClass, ErrorClassifierRuntime, ReceivedPage } from '../connector/index.js';
import type { RetryPolicy } from './policies.js';
import { classifyStatus, type AttemptVerdict } from './retry.js';
import { parseRetryAfterMs } from './retry-after.js';
import type { HttpResponse } from './types.js';

const OK_VERDICT: AttemptVerdict = { kind: 'ok', threw: false };

/** A classifier's answer as a `Classification`, its wait checked (a negative or non-finite wait is none). */
function classificationOf(said: ErrorClass | Classification): Classification {
  if (typeof said === 'string') return { kind: said };
  const wait = said.retryAfterMs;
  return { kind: said.kind, retryAfterMs: typeof wait === 'number' && Number.isFinite(wait) && wait >= 0 ? Math.ceil(wait) : undefined };
}

const longer = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : Math.max(a, b));

/**
 * What a response means for the retry decision. Status rules first; a plugin classifier may then
 * name a problem the status hides (GraphQL 200 + THROTTLED), and on a 429 it may say how long the
 * vendor needs (its body's throttle status), which stands beside `Retry-After`: the longer wins.
 * `page` is the response as components see it (present when a classifier is configured).
 * @example
 * responseVerdict(response, page, shopifyThrottled, policy, Date.now());
 * // { kind: 'rate-limited', threw: false, retryAfterMs: 1_040 }
 */
export function responseVerdict(
  response: HttpResponse,
  page: ReceivedPage | undefined,
  classifier: ErrorClassifierRuntime | undefined,
  policy: RetryPolicy,
  nowMs: number,
): AttemptVerdict {
  let kind = classifyStatus(response.status, policy);
  let bodyWaitMs: number | undefined;
  if ((kind === 'ok' || kind === 'rate-limited') && classifier !== undefined && page !== undefined) {
    const said = classificationOf(classifier.classify(page));
    if (kind === 'ok') kind = said.kind;
    if (said.kind === kind) bodyWaitMs = said.retryAfterMs;
  }
  if (kind === 'ok') return OK_VERDICT;
  if (kind !== 'retry' && kind !== 'rate-limited') return { kind, threw: false };
  return { kind, threw: false, retryAfterMs: longer(parseRetryAfterMs(response.headers['retry-after'], nowMs), bodyWaitMs) };
}
