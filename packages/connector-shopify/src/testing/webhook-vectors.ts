/**
 * Test vectors from Shopify's own API libraries, for checking a verifier (or posting them through
 * the daemon) against Shopify's numbers rather than the fake's own signer.
 *
 * Sources (read at these commits, the ones `../shared/VENDORS.md` §0 lists):
 * - Shopify/shopify-app-js @ ef2043d4a8c4ca0adb9020d76090b2fb94979dab:
 *   `packages/apps/shopify-api/lib/webhooks/__tests__/validate.test.ts` ("returns true for valid
 *   request": rawBody `{"foo": "bar"}`, expected `hmac` in the answer), secret `test_secret_key`
 *   from `packages/apps/shopify-api/lib/__tests__/test-config.ts`, headers from
 *   `lib/webhooks/__tests__/utils.ts`.
 * - Shopify/shopify-api-php @ 3c41a5e1b3f92c840eab3085c44009493cc6dffc:
 *   `tests/Webhooks/RegistryTest.php` (`$processHeaders`, `$processBody` sent as
 *   `json_encode(['foo' => 'bar'])`), secret `TEST_API_SECRET` in `tests/BaseTestCase.php`;
 *   OAuth: `tests/Auth/OAuthTest.php` (`$mockQuery`).
 * - Shopify/shopify_python_api @ 307fa92c92e08036f379bc039abc937fc20a1ebf:
 *   `test/session_test.py` (`test_hmac_calculation`, "the secret and parameter examples given in
 *   the Shopify API documentation"; `test_param_validation_of_param_values_with_lists`).
 * The Ruby library (shopify-api-ruby @ 4eca719) and the JS OAuth tests compute their HMACs at test
 * time (the JS ones over `Date.now()`), so they hold no fixed vector.
 */

/** A webhook signature vector: raw body and secret, and the `X-Shopify-Hmac-Sha256` they give. */
export interface ShopifyWebhookVector {
  readonly name: string;
  readonly source: string;
  readonly body: string;
  readonly secret: string;
  readonly hmac: string;
  /** The other headers the library's test sends with it (its shops are `*.myshopify.io`, Shopify's dev domain). */
  readonly headers: Readonly<Record<string, string>>;
}

/** An OAuth callback query vector: parameters and secret, and the hex `hmac`. */
export interface ShopifyOAuthVector {
  readonly name: string;
  readonly source: string;
  readonly params: Readonly<Record<string, string>>;
  readonly secret: string;
  readonly hmac: string;
  /** The exact message the library signed. */
  readonly message: string;
  /**
   * False for a vector signed over a message that is not Shopify's (unsorted): a correct verifier
   * must refuse it. VENDORS.md §8: never use the PHP library's unsorted vector as a positive test.
   */
  readonly valid: boolean;
}

/**
 * The webhook HMAC vectors of Shopify's JS and PHP libraries. Mind the one space: the JS body is
 * `{"foo": "bar"}`, the PHP body `{"foo":"bar"}`; a verifier that re-serializes fails one of them.
 * @example
 * const [vector] = SHOPIFY_SDK_WEBHOOK_VECTORS;
 * signShopifyWebhook(vector.body, vector.secret) === vector.hmac; // true
 */
export const SHOPIFY_SDK_WEBHOOK_VECTORS: readonly ShopifyWebhookVector[] = [
  {
    name: 'shopify-app-js: returns true for valid request',
    source: 'Shopify/shopify-app-js@ef2043d4a8c4ca0adb9020d76090b2fb94979dab packages/apps/shopify-api/lib/webhooks/__tests__/validate.test.ts',
    body: '{"foo": "bar"}',
    secret: 'test_secret_key',
    hmac: 'B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=',
    headers: { 'X-Shopify-Topic': 'products/create', 'X-Shopify-Shop-Domain': 'shop1.myshopify.io', 'X-Shopify-API-Version': '2023-01', 'X-Shopify-Webhook-Id': '123456789' },
  },
  {
    name: 'shopify-api-php: RegistryTest processHeaders',
    source: 'Shopify/shopify-api-php@3c41a5e1b3f92c840eab3085c44009493cc6dffc tests/Webhooks/RegistryTest.php',
    body: '{"foo":"bar"}',
    secret: '7008c5f4da4718b9b45d26d3fcbbb157',
    hmac: '+R9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY=',
    headers: { 'X-Shopify-Topic': 'products/update', 'X-Shopify-Shop-Domain': 'test-shop.myshopify.io' },
  },
];

/**
 * The OAuth query HMAC vectors: Python's documentation example (valid), Python's list-valued one
 * (valid only under Python's own list encoding `ids=["2", "1"]`, which Shopify's callbacks never
 * carry), and PHP's callback vector, signed over the parameters unsorted (`valid: false`).
 * @example
 * const docs = SHOPIFY_SDK_OAUTH_VECTORS.find((v) => v.valid)!;
 * signShopifyQuery(docs.params, docs.secret) === docs.hmac; // true
 */
export const SHOPIFY_SDK_OAUTH_VECTORS: readonly ShopifyOAuthVector[] = [
  {
    name: 'shopify_python_api: test_hmac_calculation (Shopify documentation example)',
    source: 'Shopify/shopify_python_api@307fa92c92e08036f379bc039abc937fc20a1ebf test/session_test.py',
    params: { shop: 'some-shop.myshopify.com', code: 'a94a110d86d2452eb3e2af4cfb8a3828', timestamp: '1337178173' },
    secret: 'hush',
    hmac: '2cb1a277650a659f1b11e92a4a64275b128e037f2c3390e3c8fd2d8721dac9e2',
    message: 'code=a94a110d86d2452eb3e2af4cfb8a3828&shop=some-shop.myshopify.com&timestamp=1337178173',
    valid: true,
  },
  {
    name: 'shopify_python_api: test_param_validation_of_param_values_with_lists (Python list encoding)',
    source: 'Shopify/shopify_python_api@307fa92c92e08036f379bc039abc937fc20a1ebf test/session_test.py',
    params: { shop: 'some-shop.myshopify.com', 'ids[]': '2,1' },
    secret: 'hush',
    hmac: 'b93b9f82996f6f8bf9f1b7bbddec284c8fabacdc4e12dc80550b4705f3003b1e',
    message: 'ids=["2", "1"]&shop=some-shop.myshopify.com',
    valid: true,
  },
  {
    name: 'shopify-api-php: OAuthTest mockQuery (unsorted, not a positive test)',
    source: 'Shopify/shopify-api-php@3c41a5e1b3f92c840eab3085c44009493cc6dffc tests/Auth/OAuthTest.php',
    params: { shop: 'test-shop.myshopify.io', state: '1234', code: 'real_code' },
    secret: '7008c5f4da4718b9b45d26d3fcbbb157',
    hmac: 'b104858f49be2f9dda979fb07f107e0ab337e0e0f32682560dbe9f03c25b5129',
    message: 'shop=test-shop.myshopify.io&state=1234&code=real_code',
    valid: false,
  },
];
