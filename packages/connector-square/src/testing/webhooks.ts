import { webhookSender } from './core-test-kit.js';
import type { SquareEvent } from './types.js';

/** The header Square signs webhooks in: base64 HMAC-SHA256 over notification URL + raw body. */
export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';
/** The legacy header: base64 HMAC-SHA1 over the same message. */
export const SQUARE_LEGACY_SIGNATURE_HEADER = 'x-square-signature';
/** Square waits 10 s for a 2xx before it counts a delivery as failed (its delivery SLA). */
export const DEFAULT_SQUARE_DELIVERY_TIMEOUT_MS = 10_000;

/** Why Square retried a delivery, as its legacy delivery docs list them. */
export type SquareRetryReason = 'http_timeout' | 'http_error' | 'ssl_error' | 'other_error';

/**
 * Square's webhook signature: base64 HMAC-SHA256, keyed with the subscription's signature key used
 * verbatim as UTF-8 (not base64-decoded), over the notification URL as registered followed by the
 * raw body. The same computation as `WebhooksHelper.verifySignature` in Square's Node SDK.
 * @example
 * signSquarePayload(SQUARE_SDK_WEBHOOK_VECTORS[0].notificationUrl, SQUARE_SDK_WEBHOOK_VECTORS[0].body, SQUARE_SDK_WEBHOOK_VECTORS[0].signatureKey);
 * // 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4='
 */
export function signSquarePayload(notificationUrl: string, body: string, signatureKey: string): string {
  return squareSender(signatureKey, 'sha256').sign(body, { url: notificationUrl });
}

/**
 * The legacy `x-square-signature`: base64 HMAC-SHA1 over the same message as the SHA-256 header.
 * @example
 * signSquarePayloadSha1('https://example.com/hooks', '{}', 'key'); // 28 base64 characters
 */
export function signSquarePayloadSha1(notificationUrl: string, body: string, signatureKey: string): string {
  return squareSender(signatureKey, 'sha1').sign(body, { url: notificationUrl });
}

/** Core's fake-vendor webhook sender, signing as Square does: base64 HMAC over the notification URL + body. */
function squareSender(signatureKey: string, algorithm: 'sha256' | 'sha1', headers: Readonly<Record<string, string>> = {}) {
  const header = algorithm === 'sha256' ? SQUARE_SIGNATURE_HEADER : SQUARE_LEGACY_SIGNATURE_HEADER;
  return webhookSender({ secret: signatureKey, header, algorithm, encoding: 'base64', signedPayload: 'url_body', headers });
}

/** One delivery. The last four options make deliveries a correct receiver must refuse. */
export interface SquareDeliveryOptions {
  /** Where the POST goes (e.g. the daemon behind a proxy). */
  readonly url: string;
  /** The subscription's `notification_url`, signed over; default `url`. */
  readonly notificationUrl?: string;
  readonly signatureKey: string;
  /** The event, serialised once; a string is sent as the raw body as is. */
  readonly event: SquareEvent | string;
  /** Also send the legacy SHA-1 `x-square-signature`. Default false. */
  readonly legacySignature?: boolean;
  /** `square-environment`. Default `Production`. */
  readonly environment?: 'Production' | 'Sandbox';
  /** `square-initial-delivery-timestamp` (RFC 3339). Default the time of this call. */
  readonly initialDeliveryAt?: string;
  /** A retry: sends `square-retry-number` and `square-retry-reason` (first deliveries send neither). */
  readonly retry?: { readonly number: number; readonly reason: SquareRetryReason };
  /** Sign over the body alone, leaving the notification URL out (a classic verifier bug). */
  readonly signBodyOnly?: boolean;
  /** Sign with this key instead of `signatureKey` (a wrong key). */
  readonly signWithKey?: string;
  /** Change the body after signing: true pretty-prints it (what a JSON-reparsing proxy does), a function rewrites it. */
  readonly reserialize?: boolean | ((rawBody: string) => string);
  /** Send this signature header value as is; null sends none. */
  readonly signature?: string | null;
  /** Default {@link DEFAULT_SQUARE_DELIVERY_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** The receiver's answer, with exactly what was sent. */
export interface SquareDeliveryResult {
  readonly status: number;
  readonly body: string;
  readonly sent: { readonly body: string; readonly headers: Readonly<Record<string, string>> };
}

/** Square's delivery headers besides the signature: environment, first delivery time, retry details, the legacy signature. */
function deliveryHeaders(options: SquareDeliveryOptions, signedOver: string, signedBody: string, key: string): Record<string, string> {
  const headers: Record<string, string> = {
    'square-environment': options.environment ?? 'Production',
    'square-initial-delivery-timestamp': options.initialDeliveryAt ?? new Date().toISOString(),
  };
  if (options.retry !== undefined) {
    headers['square-retry-number'] = String(options.retry.number);
    headers['square-retry-reason'] = options.retry.reason;
  }
  if (options.legacySignature === true) headers[SQUARE_LEGACY_SIGNATURE_HEADER] = signSquarePayloadSha1(signedOver, signedBody, key);
  return headers;
}

/**
 * POSTs an event the way Square does (core's fake-vendor webhook sender, signing as Square signs):
 * the JSON body as raw bytes, signed over the notification URL + body in
 * `x-square-hmacsha256-signature`, with Square's delivery headers. Resolves the receiver's answer
 * (any status) and what was sent; rejects when the receiver cannot be reached.
 * @example
 * const result = await deliverSquareEvent({ url: 'http://127.0.0.1:8080/webhooks/square', signatureKey, event });
 * result.status; // 200 when the receiver accepted it
 */
export async function deliverSquareEvent(options: SquareDeliveryOptions): Promise<SquareDeliveryResult> {
  const signedBody = typeof options.event === 'string' ? options.event : JSON.stringify(options.event);
  const key = options.signWithKey ?? options.signatureKey;
  const signedOver = options.signBodyOnly === true ? '' : (options.notificationUrl ?? options.url);
  const { reserialize } = options;
  const tamper = reserialize === true ? (raw: string) => JSON.stringify(JSON.parse(raw), null, 2) : typeof reserialize === 'function' ? reserialize : undefined;
  const result = await squareSender(key, 'sha256', deliveryHeaders(options, signedOver, signedBody, key)).send(options.url, signedBody, {
    signedUrl: signedOver,
    timeoutMs: options.timeoutMs ?? DEFAULT_SQUARE_DELIVERY_TIMEOUT_MS,
    ...(tamper === undefined ? {} : { tamper }),
    ...(options.signature === undefined ? {} : { signature: options.signature }),
  });
  return { status: result.status, body: result.body, sent: { body: result.sent.body, headers: result.sent.headers } };
}
