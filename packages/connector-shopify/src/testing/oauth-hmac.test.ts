import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shopifyHostParam, shopifyQueryMessage, signShopifyQuery } from './oauth-hmac.js';
import { SHOPIFY_SDK_OAUTH_VECTORS, SHOPIFY_SDK_WEBHOOK_VECTORS } from './webhook-vectors.js';
import { signShopifyWebhook } from './webhooks.js';

const hexOf = (message: string, secret: string): string => createHmac('sha256', secret).update(message).digest('hex');

describe("Shopify's SDK vectors", () => {
  it('signs both webhook vectors exactly as the libraries expect, and one changed byte changes the signature', () => {
    expect(SHOPIFY_SDK_WEBHOOK_VECTORS.map((v) => v.hmac)).toEqual(['B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=', '+R9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY=']);
    for (const vector of SHOPIFY_SDK_WEBHOOK_VECTORS) {
      expect(signShopifyWebhook(vector.body, vector.secret), vector.name).toBe(vector.hmac);
      expect(signShopifyWebhook(vector.body.replace('bar', 'baz'), vector.secret)).not.toBe(vector.hmac);
    }
  });

  it('each OAuth vector is the HMAC of its recorded message; the valid one is the message Shopify signs', () => {
    for (const vector of SHOPIFY_SDK_OAUTH_VECTORS) expect(hexOf(vector.message, vector.secret), vector.name).toBe(vector.hmac);
    const docs = SHOPIFY_SDK_OAUTH_VECTORS[0]!;
    expect(shopifyQueryMessage(docs.params)).toBe(docs.message);
    expect(signShopifyQuery({ ...docs.params, hmac: 'ignored' }, docs.secret)).toBe(docs.hmac);
  });

  it("refuses the PHP library's unsorted vector: the sorted message gives another HMAC", () => {
    const php = SHOPIFY_SDK_OAUTH_VECTORS.find((v) => !v.valid)!;
    expect(signShopifyQuery(php.params, php.secret)).not.toBe(php.hmac);
    expect(shopifyQueryMessage(php.params)).toBe('code=real_code&shop=test-shop.myshopify.io&state=1234');
  });
});

describe('OAuth query HMAC', () => {
  it('leaves hmac and signature out, sorts, and encodes spaces as %20', () => {
    expect(shopifyQueryMessage(new URLSearchParams('timestamp=1&custom=hello world&hmac=x&signature=y&a=%26'))).toBe('a=%26&custom=hello%20world&timestamp=1');
  });

  it('makes host the unpadded base64 of the admin host', () => {
    expect(Buffer.from(shopifyHostParam('acme.myshopify.com'), 'base64').toString()).toBe('admin.shopify.com/store/acme');
    expect(shopifyHostParam('acme.myshopify.com')).not.toMatch(/=$/);
  });
});
