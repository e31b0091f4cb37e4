import { createHmac } from 'node:crypto';
import type { ComponentContext } from '@connectd/core/connector';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALLBACK_TOLERANCE_SECONDS, shopifyCallbackHmac, shopifyQueryHmac, shopifyQueryMessage, type ShopifyCallbackHmacOptions } from './callback-hmac.js';
import plugin from './index.js';

// Test vectors from Shopify's own API libraries:
// - JS: Shopify/shopify-app-js @ ef2043d4a8c4ca0adb9020d76090b2fb94979dab,
//   packages/apps/shopify-api/lib/utils/__tests__/hmac-validator.test.ts ("validateHmac", admin
//   signator): secret "my super secret key", the canonical strings written out literally there, the
//   hmac computed over them with node's crypto, timestamps 60 s old (accepted) and 91 s off (refused).
// - Python: Shopify/shopify_python_api @ 307fa92c92e08036f379bc039abc937fc20a1ebf,
//   test/session_test.py test_hmac_calculation ("the secret and parameter examples given in the
//   Shopify API documentation"): a fixed digest.
// - PHP: Shopify/shopify-api-php @ 3c41a5e1b3f92c840eab3085c44009493cc6dffc, tests/Auth/OAuthTest.php:
//   its hmac b104858f… signs the parameters unsorted (shop, state, code), so it must be refused
//   (../shared/VENDORS.md §8.3).

const JS_SECRET = 'my super secret key';
const NOW_SECONDS = 1_760_000_000;

/** A context with a fixed clock whose logger remembers its warnings. */
function context(nowSeconds = NOW_SECONDS): { ctx: ComponentContext; warnings: string[] } {
  const warnings: string[] = [];
  const log = { warn: (...args: unknown[]) => warnings.push(String(args[args.length - 1])), child: () => log } as unknown as ComponentContext['log'];
  return { ctx: { log, signal: new AbortController().signal, now: () => new Date(nowSeconds * 1000) }, warnings };
}

const checker = (options: ShopifyCallbackHmacOptions, nowSeconds = NOW_SECONDS) => shopifyCallbackHmac.create(options, context(nowSeconds).ctx);

/** Shopify's test helper: hex HMAC-SHA256 of a canonical string as written in the vendor's test. */
const hmacOf = (canonical: string, secret: string): string => createHmac('sha256', secret).update(canonical).digest('hex');

/** What the check threw, or undefined when it accepted the query. */
function refusal(run: () => void): string | undefined {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

/** The JS library's callback query, `seconds` away from now, signed over its literal canonical string. */
function jsVector(offsetSeconds: number, extra: Readonly<Record<string, string>> = {}): URLSearchParams {
  const timestamp = String(NOW_SECONDS + offsetSeconds);
  const query = new URLSearchParams({ code: 'some code goes here', shop: 'the shop URL', state: 'some nonce passed from auth', timestamp, ...extra });
  const extraPart = Object.entries(extra).map(([k, v]) => `${k}=${v}&`).join('');
  // NB (as in Shopify's test): keys are listed alphabetically; `foo` sorts between code and shop.
  const canonical = `code=some%20code%20goes%20here&${extraPart}shop=the%20shop%20URL&state=some%20nonce%20passed%20from%20auth&timestamp=${timestamp}`;
  query.set('hmac', hmacOf(canonical, JS_SECRET));
  return query;
}

describe('shopify/callback-hmac', () => {
  it("is registered as shopify/callback-hmac in the plugin's oauthCallbackChecks slot", () => {
    expect(plugin.oauthCallbackChecks?.['callback-hmac']).toBe(shopifyCallbackHmac);
    expect(shopifyCallbackHmac.meta.schema).toMatchObject({ additionalProperties: false, properties: { secret: { type: 'string' }, tolerance_seconds: { type: 'integer' } } });
  });

  it("accepts the JS library's vector: sorted, %20 for spaces, hex, timestamp 60 s old", () => {
    expect(refusal(() => checker({ secret: JS_SECRET }).check(jsVector(-60)))).toBeUndefined();
    expect(shopifyQueryMessage(jsVector(-60))).toBe(
      `code=some%20code%20goes%20here&shop=the%20shop%20URL&state=some%20nonce%20passed%20from%20auth&timestamp=${NOW_SECONDS - 60}`,
    );
  });

  it("accepts the JS library's vectors with an extra key signed too, and a value with spaces", () => {
    expect(refusal(() => checker({ secret: JS_SECRET }).check(jsVector(-60, { foo: 'bar' })))).toBeUndefined();
    const timestamp = String(NOW_SECONDS - 60);
    const spaces = new URLSearchParams({ custom: 'hello world', shop: 'myshop.myshopify.com', timestamp });
    spaces.set('hmac', hmacOf(`custom=hello%20world&shop=myshop.myshopify.com&timestamp=${timestamp}`, JS_SECRET));
    expect(refusal(() => checker({ secret: JS_SECRET }).check(spaces))).toBeUndefined();
    // The query as a browser delivers it: `+` for spaces in the URL, decoded by URLSearchParams.
    expect(refusal(() => checker({ secret: JS_SECRET }).check(new URLSearchParams(spaces.toString())))).toBeUndefined();
  });

  it("accepts the Python library's documented fixed vector at its timestamp, and fails when one byte changes", () => {
    const query = new URLSearchParams({
      shop: 'some-shop.myshopify.com',
      code: 'a94a110d86d2452eb3e2af4cfb8a3828',
      timestamp: '1337178173',
      hmac: '2cb1a277650a659f1b11e92a4a64275b128e037f2c3390e3c8fd2d8721dac9e2',
    });
    const check = checker({ secret: 'hush' }, 1_337_178_173);
    expect(refusal(() => check.check(query))).toBeUndefined();
    expect(shopifyQueryHmac(query, 'hush')).toBe(query.get('hmac'));
    const flipped = new URLSearchParams(query);
    flipped.set('code', 'a94a110d86d2452eb3e2af4cfb8a3829');
    expect(refusal(() => check.check(flipped))).toMatch(/hmac does not match/);
    const badDigit = new URLSearchParams(query);
    badDigit.set('hmac', `3${query.get('hmac')!.slice(1)}`);
    expect(refusal(() => check.check(badDigit))).toMatch(/hmac does not match/);
  });

  it("refuses the PHP library's unsorted vector: Shopify signs the sorted parameters", () => {
    const query = new URLSearchParams({
      shop: 'test-shop.myshopify.io',
      state: '1234',
      code: 'real_code',
      hmac: 'b104858f49be2f9dda979fb07f107e0ab337e0e0f32682560dbe9f03c25b5129',
    });
    expect(refusal(() => checker({ secret: '7008c5f4da4718b9b45d26d3fcbbb157' }).check(query))).toMatch(/hmac does not match/);
  });

  it("refuses the JS library's bad cases: a wrong hmac, no hmac, a timestamp 91 s old or ahead", () => {
    const check = checker({ secret: JS_SECRET });
    const wrong = jsVector(-60);
    wrong.set('hmac', 'incorrect_hmac_string');
    expect(refusal(() => check.check(wrong))).toMatch(/not 64 hex/);
    const none = jsVector(-60);
    none.delete('hmac');
    expect(refusal(() => check.check(none))).toMatch(/no hmac/);
    expect(refusal(() => check.check(jsVector(-91)))).toMatch(/timestamp is 91 s away/);
    expect(refusal(() => check.check(jsVector(91)))).toMatch(/timestamp is 91 s away/);
    expect(refusal(() => check.check(jsVector(-DEFAULT_CALLBACK_TOLERANCE_SECONDS)))).toBeUndefined();
  });

  it('refuses forgeries: another shop, another secret, a repeated or added parameter, a bad or missing timestamp', () => {
    const check = checker({ secret: JS_SECRET });
    const otherShop = jsVector(-60);
    otherShop.set('shop', 'evil.myshopify.com');
    const otherSecret = jsVector(-60);
    otherSecret.set('hmac', shopifyQueryHmac(otherSecret, 'not the secret'));
    const added = jsVector(-60);
    added.set('host', 'ZXZpbC5leGFtcGxl');
    for (const forged of [otherShop, otherSecret, added]) expect(refusal(() => check.check(forged))).toMatch(/hmac does not match/);

    const repeated = jsVector(-60);
    repeated.append('shop', 'evil.myshopify.com');
    expect(refusal(() => check.check(repeated))).toMatch(/"shop" appears more than once/);

    for (const timestamp of ['', '12.5', '-60', '1e9', 'now']) {
      const query = new URLSearchParams({ shop: 'a.myshopify.com', timestamp });
      if (timestamp === '') query.delete('timestamp');
      query.set('hmac', shopifyQueryHmac(query, JS_SECRET));
      expect(refusal(() => check.check(query)), timestamp).toMatch(/timestamp/);
    }
  });

  it('takes another tolerance from tolerance_seconds', () => {
    expect(refusal(() => checker({ secret: JS_SECRET, tolerance_seconds: 30 }).check(jsVector(-60)))).toMatch(/at most 30 s/);
    expect(refusal(() => checker({ secret: JS_SECRET, tolerance_seconds: 300 }).check(jsVector(-240)))).toBeUndefined();
  });

  it('refuses every callback without a secret (fail closed) and says so once', () => {
    for (const options of [{}, { secret: '' }]) {
      const { ctx, warnings } = context();
      const check = shopifyCallbackHmac.create(options, ctx);
      expect(refusal(() => check.check(jsVector(-60)))).toMatch(/no client secret/);
      expect(warnings).toHaveLength(1);
    }
  });

  it('never puts the secret, the hmac or a parameter value in what it throws', () => {
    const check = checker({ secret: JS_SECRET });
    const forged = jsVector(-60);
    forged.set('shop', 'evil.myshopify.com');
    const stale = jsVector(-600);
    for (const query of [forged, stale]) {
      const message = refusal(() => check.check(query))!;
      for (const value of [JS_SECRET, query.get('hmac')!, 'some code goes here', 'some%20code', 'evil.myshopify.com', 'some nonce']) {
        expect(message).not.toContain(value);
      }
    }
  });
});
