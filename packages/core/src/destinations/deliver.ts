import type { Dispatcher } from 'undici';
import type { Destination } from './compile.js';
import { signatureHeaders } from './signature.js';

/** What one attempt came to. */
export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  /** 410 Gone: the app says the endpoint is no more. */
  | { readonly kind: 'gone'; readonly status: 410 }
  | { readonly kind: 'failed'; readonly reason: string };

/** Bytes of an answer's body read at most (to say why it failed); the rest is dropped. */
const ANSWER_READ_LIMIT_BYTES = 512;

/**
 * POSTs one event to a destination, signed for this attempt (same `webhook-id` every time, the
 * attempt's timestamp). A 2xx delivers it, 410 says the endpoint is gone, anything else (another
 * status, a refused connection, no answer within the destination's timeout) is a failure to retry.
 * Never throws.
 */
export async function deliverEvent(
  dispatcher: Dispatcher,
  destination: Destination,
  event: { readonly eventId: string; readonly body: string },
  nowMs: number,
): Promise<DeliveryOutcome> {
  const key = destination.key;
  if (key === undefined) return { kind: 'failed', reason: 'the destination is idle' };
  const url = new URL(destination.url);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'connectd',
    ...signatureHeaders(key, event.eventId, Math.floor(nowMs / 1000), event.body),
  };
  try {
    const answer = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers,
      body: event.body,
      headersTimeout: destination.timeoutMs,
      bodyTimeout: destination.timeoutMs,
      signal: AbortSignal.timeout(destination.timeoutMs),
    });
    const status = answer.statusCode;
    const text = await readSome(answer.body);
    if (status >= 200 && status < 300) return { kind: 'delivered', status };
    if (status === 410) return { kind: 'gone', status };
    return { kind: 'failed', reason: `the endpoint answered ${status}${text === '' ? '' : `: ${text}`}` };
  } catch (err) {
    const name = (err as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'AbortError' || (err as { code?: unknown }).code === 'UND_ERR_HEADERS_TIMEOUT') {
      return { kind: 'failed', reason: `no answer within ${destination.timeoutMs} ms` };
    }
    const code = (err as { code?: unknown }).code;
    return { kind: 'failed', reason: `the endpoint could not be reached (${typeof code === 'string' ? code : 'network error'})` };
  }
}

async function readSome(body: Dispatcher.ResponseData['body']): Promise<string> {
  let text = '';
  try {
    for await (const chunk of body) {
      if (text.length < ANSWER_READ_LIMIT_BYTES) text += (chunk as Buffer).toString('utf8');
    }
  } catch {
    // A body cut off mid-way still gives its status.
  }
  return text.slice(0, ANSWER_READ_LIMIT_BYTES).replace(/\s+/g, ' ').trim();
}
