/**
 * `shopify/callback-hmac`: Shopify signs the query of the OAuth callback (`code`, `host`, `shop`,
 * `state`, `timestamp`, `hmac`) with the app's client secret. This check refuses a callback whose
 * `hmac` does not verify or whose `timestamp` is outside the tolerance, before core exchanges the
 * code. The canonical text follows Shopify's JS library (`generateLocalHmac` /
 * `stringifyQueryForAdmin` in Shopify/shopify-app-js `packages/apps/shopify-api/lib/utils/hmac-validator.ts`):
 * every parameter but `hmac` and `signature`, sorted by name, `name=value` URL-encoded with `%20`
 * for spaces and joined by `&`; lower-case hex HMAC-SHA256; `timestamp` within ±90 s.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { defineOAuthCallbackCheck, type JsonSchema, type OAuthCallbackCheckRuntime } from '@connectd/core/connector';

/** Options of `callback_check: { type: shopify/callback-hmac, ... }`. */
export interface ShopifyCallbackHmacOptions {
  /** The app's client secret (API secret key); use `${SHOPIFY_CLIENT_SECRET}`. */
  readonly secret?: string;
  /** How far `timestamp` may be from the daemon's clock, either way (default 90). */
  readonly tolerance_seconds?: number;
}

/** Shopify's JS library allows 90 s of clock difference (`HMAC_TIMESTAMP_PERMITTED_CLOCK_TOLERANCE_SEC`). */
export const DEFAULT_CALLBACK_TOLERANCE_SECONDS = 90;
/** The largest tolerance accepted: Shopify's Python library's one day. */
const MAX_TOLERANCE_SECONDS = 86_400;
/** Parameters that carry a signature and are not signed themselves. */
const UNSIGNED_PARAMS = new Set(['hmac', 'signature']);
const HEX_DIGEST = /^[0-9a-f]{64}$/i;
/** Seconds since the epoch, as Shopify sends them: digits only. */
const TIMESTAMP = /^\d{1,12}$/;

const OPTIONS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    secret: { type: 'string', description: "The app's client secret, which Shopify signs the callback with; use ${SHOPIFY_CLIENT_SECRET}." },
    tolerance_seconds: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_TOLERANCE_SECONDS,
      description: `How far the callback's timestamp may be from this clock, either way (default ${DEFAULT_CALLBACK_TOLERANCE_SECONDS}).`,
    },
  },
};

/**
 * The text Shopify signs for a query: every parameter but `hmac` and `signature`, sorted by name
 * (UTF-16 code units, like a plain sort; Shopify's names are lower-case ASCII, where it agrees with
 * the JS library's `localeCompare`), `name=value` form-encoded with `%20` for spaces, joined by `&`.
 * @example
 * shopifyQueryMessage(new URLSearchParams('shop=a.myshopify.com&code=x y&hmac=…'));
 * // 'code=x%20y&shop=a.myshopify.com'
 */
export function shopifyQueryMessage(query: URLSearchParams): string {
  const signed = [...query].filter(([name]) => !UNSIGNED_PARAMS.has(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(signed).toString().replace(/\+/g, '%20');
}

/**
 * The lower-case hex HMAC-SHA256 Shopify puts in a query's `hmac`, for the fake vendor and tests.
 * @example
 * query.set('hmac', shopifyQueryHmac(query, clientSecret));
 */
export function shopifyQueryHmac(query: URLSearchParams, secret: string | KeyObject): string {
  return createHmac('sha256', secret).update(shopifyQueryMessage(query), 'utf8').digest('hex');
}

/** A refusal: says what is wrong, never the hmac, a parameter value or the secret. */
const refuse = (reason: string): never => {
  throw new Error(`Shopify callback refused: ${reason}`);
};

/** The one value of a parameter that must appear exactly once. */
function single(query: URLSearchParams, name: string): string {
  const values = query.getAll(name);
  if (values.length === 0 || values[0] === '') return refuse(`no ${name} parameter`);
  return values[0]!;
}

/**
 * `shopify/callback-hmac`: verifies the `hmac` of an OAuth callback's query with the client secret
 * (constant-time, length-checked) and that its `timestamp` is within `tolerance_seconds` of the
 * daemon's clock. A parameter given twice is refused (Shopify's callbacks have none, and the
 * libraries disagree on how a repeated one is signed). Without a non-empty secret every callback is
 * refused (fail closed).
 * @example
 * // connectors.yaml: auth: { type: oauth2, callback_check: { type: shopify/callback-hmac, secret: ${SHOPIFY_CLIENT_SECRET} } }
 * const check = shopifyCallbackHmac.create({ secret }, ctx);
 * check.check(new URL(callbackUrl).searchParams); // throws when forged or stale
 */
export const shopifyCallbackHmac = defineOAuthCallbackCheck<ShopifyCallbackHmacOptions>({
  meta: {
    type: 'callback-hmac',
    description: "Shopify's hex HMAC-SHA256 over the OAuth callback's sorted query, and its timestamp window",
    schema: OPTIONS_SCHEMA,
  },
  create(options, ctx): OAuthCallbackCheckRuntime {
    const toleranceSeconds = options.tolerance_seconds ?? DEFAULT_CALLBACK_TOLERANCE_SECONDS;
    // An empty value is what an unset ${VAR:-} gives: it is no secret at all.
    if (options.secret === undefined || options.secret === '') {
      ctx.log.warn('shopify callback check has no secret: every OAuth callback is refused until SHOPIFY_CLIENT_SECRET is set');
      return { check: () => refuse('the callback check has no client secret configured') };
    }
    const key = createSecretKey(Buffer.from(options.secret, 'utf8'));
    return {
      check(query) {
        for (const name of new Set(query.keys())) {
          if (query.getAll(name).length > 1) refuse(`parameter "${name.slice(0, 64)}" appears more than once`);
        }
        const given = single(query, 'hmac');
        if (!HEX_DIGEST.test(given)) refuse('hmac is not 64 hex characters');
        const expected = createHmac('sha256', key).update(shopifyQueryMessage(query), 'utf8').digest();
        const signature = Buffer.from(given, 'hex');
        // Both are 32 bytes here (the pattern fixes the length), as timingSafeEqual requires.
        if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) refuse('hmac does not match (another secret, or a changed query)');
        const timestamp = single(query, 'timestamp');
        if (!TIMESTAMP.test(timestamp)) refuse('timestamp is not whole seconds');
        const skewSeconds = Math.abs(Math.trunc(ctx.now().getTime() / 1000) - Number(timestamp));
        if (skewSeconds > toleranceSeconds) refuse(`timestamp is ${skewSeconds} s away from this clock (at most ${toleranceSeconds} s)`);
      },
    };
  },
});
