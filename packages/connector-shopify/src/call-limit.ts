/**
 * `shopify/call-limit`: paces REST Admin API calls by Shopify's leaky bucket, which every answer
 * reports as `X-Shopify-Shop-Api-Call-Limit: used/size` (`32/40`). Each request costs 1; core's
 * limiter keeps its bucket in step with the header, so no request is sent into a full bucket.
 */
import { defineRateLimitAdapter, type JsonSchema, type RateLimitAdapterRuntime, type RateLimitBudget, type ReceivedPage } from '@connectd/core/connector';

/** Options of `rate_limit: { adapter: { type: shopify/call-limit, ... } }`. */
export interface ShopifyCallLimitOptions {
  /** Requests the bucket leaks per second; default the bucket size / `SHOPIFY_BUCKET_DRAIN_SECONDS`. */
  readonly leak_per_second?: number;
}

/** The header carrying `used/size`. */
export const CALL_LIMIT_HEADER = 'x-shopify-shop-api-call-limit';

/**
 * Seconds a full bucket takes to leak empty. Shopify's plans pair sizes and rates as 40 and 2/s,
 * 80 and 4/s, 400 and 20/s: always 20 s, so the size the header reports gives the leak rate.
 */
export const SHOPIFY_BUCKET_DRAIN_SECONDS = 20;

const CALL_LIMIT = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/;

const OPTIONS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    leak_per_second: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'Requests the bucket leaks per second (default: the bucket size the header reports / 20, e.g. 2 for 40).',
    },
  },
};

/**
 * Reads `used/size` from an answer; undefined when the header is absent or unreadable.
 * @example
 * parseCallLimit('32/40'); // { used: 32, size: 40 }
 */
export function parseCallLimit(value: string | readonly string[] | undefined): { used: number; size: number } | undefined {
  const text = Array.isArray(value) ? value[0] : (value as string | undefined);
  const match = text === undefined ? null : CALL_LIMIT.exec(text);
  if (match === null) return undefined;
  const used = Number(match[1]);
  const size = Number(match[2]);
  return size > 0 ? { used, size } : undefined;
}

export const shopifyCallLimit = defineRateLimitAdapter<ShopifyCallLimitOptions>({
  meta: {
    type: 'call-limit',
    description: "Paces REST Admin API calls by Shopify's leaky bucket, read from X-Shopify-Shop-Api-Call-Limit (used/size).",
    schema: OPTIONS_SCHEMA,
  },
  create: (options): RateLimitAdapterRuntime => ({
    observe(page: ReceivedPage): RateLimitBudget | undefined {
      const limit = parseCallLimit(page.headers[CALL_LIMIT_HEADER]);
      if (limit === undefined) return undefined;
      const available = Math.max(0, limit.size - limit.used);
      return {
        available,
        maximum: limit.size,
        restorePerSecond: options.leak_per_second ?? limit.size / SHOPIFY_BUCKET_DRAIN_SECONDS,
        remainingRatio: available / limit.size,
      };
    },
  }),
});
