import { webhookSender } from './core-test-kit.js';
import type { StorqEvent, StorqOrder, StorqStockRow } from './types.js';

/** The header storq signs webhooks in. */
export const STORQ_SIGNATURE_HEADER = 'Storq-Signature';
/** The header name the storq guide's JS sample reads; receivers accept both. */
export const STORQ_GUIDE_SIGNATURE_HEADER = 'storq.io-signature';
/** How long `deliver` waits for the receiver before giving up. */
export const DEFAULT_STORQ_DELIVERY_TIMEOUT_MS = 10_000;

/** How to deliver one event; the overrides exist to test receivers that must refuse. */
export interface StorqDeliveryOptions {
  /** Header carrying the signature. Default {@link STORQ_SIGNATURE_HEADER}. */
  readonly header?: string;
  /** Sign with this instead of the fake's webhook secret (a wrong signature). */
  readonly secret?: string;
  /** Send this signature value as is; null sends no signature header at all. */
  readonly signature?: string | null;
  /** Changes the raw body after signing: a tampered delivery the receiver must refuse. */
  readonly tamper?: (rawBody: string) => string;
  /** Default {@link DEFAULT_STORQ_DELIVERY_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** The receiver's answer to a delivery. */
export interface StorqDeliveryResult {
  readonly status: number;
  readonly body: string;
}

/**
 * storq's webhook signature: hex HMAC-SHA256 of the raw body with the webhook secret.
 * @example
 * signStorqPayload('{"type":"stock.updated"}', 'whsec_fake_storq'); // 64 hex characters
 */
export function signStorqPayload(rawBody: string | Uint8Array, secret: string): string {
  return webhookSender({ secret, header: STORQ_SIGNATURE_HEADER }).sign(rawBody);
}

/**
 * POSTs an event the way storq does (core's fake-vendor webhook sender, signing as storq signs):
 * the event as raw JSON, `content-type: application/json`, and the signature of exactly those
 * bytes in the signature header.
 * @example
 * const result = await deliverStorqEvent('http://127.0.0.1:8080/webhooks/storq', event, 'whsec_fake_storq');
 * result.status; // 200 when the receiver accepted it
 */
export async function deliverStorqEvent(url: string, event: StorqEvent, secret: string, options: StorqDeliveryOptions = {}): Promise<StorqDeliveryResult> {
  const sender = webhookSender({ secret, header: STORQ_SIGNATURE_HEADER, headers: { 'user-agent': 'storq-webhooks/fake' } });
  const { status, body } = await sender.send(url, event, {
    timeoutMs: options.timeoutMs ?? DEFAULT_STORQ_DELIVERY_TIMEOUT_MS,
    ...(options.header === undefined ? {} : { header: options.header }),
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    ...(options.signature === undefined ? {} : { signature: options.signature }),
    ...(options.tamper === undefined ? {} : { tamper: options.tamper }),
  });
  return { status, body };
}

/** A `stock.updated` event for a stock row. */
export function stockUpdatedEvent(id: string, createdAt: string, row: StorqStockRow): StorqEvent {
  return { id, type: 'stock.updated', created_at: createdAt, data: { object: row } };
}

/** An `order.shipped` event for a shipped order. */
export function orderShippedEvent(id: string, createdAt: string, order: StorqOrder): StorqEvent {
  return { id, type: 'order.shipped', created_at: createdAt, data: { object: order } };
}
