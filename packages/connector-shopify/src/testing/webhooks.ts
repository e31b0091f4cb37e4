import { randomUUID } from 'node:crypto';
import { webhookSender } from './core-test-kit.js';
import type { ShopifyWebhookEvent } from './webhook-events.js';

/** The delivery headers, as Shopify's JS library names them (`ShopifyHeader`). */
export const SHOPIFY_WEBHOOK_HEADERS = {
  hmac: 'X-Shopify-Hmac-Sha256',
  topic: 'X-Shopify-Topic',
  shopDomain: 'X-Shopify-Shop-Domain',
  webhookId: 'X-Shopify-Webhook-Id',
  eventId: 'X-Shopify-Event-Id',
  apiVersion: 'X-Shopify-API-Version',
  triggeredAt: 'X-Shopify-Triggered-At',
} as const;
export type ShopifyWebhookHeader = keyof typeof SHOPIFY_WEBHOOK_HEADERS;

/** Shopify gives a receiver 5 s in all (1 s to connect) before it counts a delivery as failed. */
export const DEFAULT_SHOPIFY_DELIVERY_TIMEOUT_MS = 5_000;

/**
 * Shopify's webhook signature: base64 HMAC-SHA256 of the raw body bytes, keyed with the app's
 * client secret.
 * @example
 * signShopifyWebhook('{"foo": "bar"}', 'test_secret_key'); // 'B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g='
 */
export function signShopifyWebhook(rawBody: string | Uint8Array, secret: string): string {
  return shopifySender(secret).sign(rawBody);
}

/** Core's fake-vendor webhook sender, signing as Shopify does: base64 HMAC-SHA256 of the raw body. */
function shopifySender(secret: string, headers: Readonly<Record<string, string>> = {}) {
  return webhookSender({ secret, header: SHOPIFY_WEBHOOK_HEADERS.hmac, encoding: 'base64', headers });
}

/** One delivery; the options after `webhookId` make deliveries a correct receiver must refuse. */
export interface ShopifyDeliveryOptions {
  /** Where the POST goes. */
  readonly url: string;
  /** The app's client secret, which signs. */
  readonly secret: string;
  readonly event: ShopifyWebhookEvent;
  /** `X-Shopify-Webhook-Id`; default a new UUID. Pass a previous delivery's to re-send it (a retry). */
  readonly webhookId?: string;
  /** Sign with this secret instead (a wrong one, or the previous one during a rotation). */
  readonly signWith?: string;
  /** Send this `X-Shopify-Hmac-Sha256` value as is; null sends none. */
  readonly signature?: string | null;
  /** Leave these headers out. */
  readonly omitHeaders?: readonly ShopifyWebhookHeader[];
  /** Change the body after signing (a re-serialising proxy). */
  readonly rewriteBody?: (rawBody: string) => string;
  /** Default {@link DEFAULT_SHOPIFY_DELIVERY_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** The receiver's answer, with exactly what was sent. */
export interface ShopifyDeliveryResult {
  readonly status: number;
  readonly body: string;
  readonly webhookId: string;
  readonly sent: { readonly body: string; readonly headers: Readonly<Record<string, string>> };
}

/** Shopify's delivery headers besides the signature, less those the options leave out. */
function deliveryHeaders(options: ShopifyDeliveryOptions, webhookId: string): Record<string, string> {
  const { event } = options;
  const values: Record<Exclude<ShopifyWebhookHeader, 'hmac'>, string> = {
    topic: event.topic,
    shopDomain: event.shopDomain,
    webhookId,
    eventId: event.eventId,
    apiVersion: event.apiVersion,
    triggeredAt: event.triggeredAt,
  };
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  for (const [name, value] of Object.entries(values) as [ShopifyWebhookHeader, string][]) {
    if (!(options.omitHeaders ?? []).includes(name)) headers[SHOPIFY_WEBHOOK_HEADERS[name]] = value;
  }
  return headers;
}

/**
 * POSTs a webhook the way Shopify does (core's fake-vendor webhook sender, signing as Shopify
 * signs): the body's raw bytes signed in `X-Shopify-Hmac-Sha256`, with the topic, shop domain,
 * webhook id (per delivery), event id (per event), API version and trigger time. Resolves the
 * receiver's answer (any status); rejects when it cannot be reached.
 * @example
 * const result = await deliverShopifyWebhook({ url: 'http://127.0.0.1:8080/webhooks/shopify', secret, event });
 * await deliverShopifyWebhook({ url, secret, event, webhookId: result.webhookId }); // the same delivery, again
 */
export async function deliverShopifyWebhook(options: ShopifyDeliveryOptions): Promise<ShopifyDeliveryResult> {
  const webhookId = options.webhookId ?? randomUUID();
  const omitted = (options.omitHeaders ?? []).includes('hmac');
  const result = await shopifySender(options.secret, deliveryHeaders(options, webhookId)).send(options.url, options.event.body, {
    timeoutMs: options.timeoutMs ?? DEFAULT_SHOPIFY_DELIVERY_TIMEOUT_MS,
    ...(omitted ? { signature: null } : options.signature === undefined ? {} : { signature: options.signature }),
    ...(options.signWith === undefined ? {} : { secret: options.signWith }),
    ...(options.rewriteBody === undefined ? {} : { tamper: options.rewriteBody }),
  });
  return { status: result.status, body: result.body, webhookId, sent: { body: result.sent.body, headers: result.sent.headers } };
}
