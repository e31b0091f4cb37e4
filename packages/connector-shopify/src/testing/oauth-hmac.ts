import { createHmac } from 'node:crypto';

/**
 * The message Shopify signs in an OAuth callback (and any admin request query): every parameter
 * but `hmac` (and `signature`), sorted by name, as `name=value` joined by `&`, each part
 * URL-encoded with spaces as `%20`, never `+` (Shopify's JS library: `stringifyQueryForAdmin`;
 * its test "spaces in param values are percent-encoded (%20), not plus-encoded").
 * @example
 * shopifyQueryMessage({ shop: 'some-shop.myshopify.com', code: 'a94a110d86d2452eb3e2af4cfb8a3828', timestamp: '1337178173' });
 * // 'code=a94a110d86d2452eb3e2af4cfb8a3828&shop=some-shop.myshopify.com&timestamp=1337178173'
 */
export function shopifyQueryMessage(params: Readonly<Record<string, string>> | URLSearchParams): string {
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  const kept = entries.filter(([name]) => name !== 'hmac' && name !== 'signature').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(kept).toString().replace(/\+/g, '%20');
}

/**
 * The `hmac` of an OAuth callback query: lower-case hex HMAC-SHA256 of {@link shopifyQueryMessage}
 * keyed with the client secret.
 * @example
 * signShopifyQuery({ shop: 'some-shop.myshopify.com', code: 'a94a110d86d2452eb3e2af4cfb8a3828', timestamp: '1337178173' }, 'hush');
 * // '2cb1a277650a659f1b11e92a4a64275b128e037f2c3390e3c8fd2d8721dac9e2'
 */
export function signShopifyQuery(params: Readonly<Record<string, string>> | URLSearchParams, secret: string): string {
  return createHmac('sha256', secret).update(shopifyQueryMessage(params)).digest('hex');
}

/**
 * The callback's `host` parameter: base64 (unpadded, as Shopify sends it) of the shop's admin
 * host, `admin.shopify.com/store/{handle}`.
 * @example
 * shopifyHostParam('acme.myshopify.com'); // 'YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYWNtZQ'
 */
export function shopifyHostParam(shopDomain: string): string {
  const handle = shopDomain.replace(/\.myshopify\.com$/i, '');
  return Buffer.from(`admin.shopify.com/store/${handle}`, 'utf8').toString('base64').replace(/=+$/, '');
}
