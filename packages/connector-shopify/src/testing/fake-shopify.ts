import { registerShop, type ShopifyApiContext } from './fake-shopify-api.js';
import { shopHandle, type FakeShopifyShop } from './fake-shopify-shop.js';
import type { FakeShopify, FakeShopifyOptions, ShopifyRequestRecord } from './fake-shopify-types.js';
import { startShopifyVendor } from './fake-shopify-vendor.js';
import { FaultPlan } from './faults.js';
import { DEFAULT_SHOPIFY_MAX_QUERY_COST } from './graphql-api.js';
import { ShopifyIds } from './ids.js';
import type { OAuthContext } from './oauth-app.js';
import { OAuthLedger } from './oauth-ledger.js';
import { DEFAULT_SHOPIFY_GRAPHQL_MAXIMUM_AVAILABLE, DEFAULT_SHOPIFY_GRAPHQL_RESTORE_RATE, DEFAULT_SHOPIFY_REST_BUCKET_SIZE, DEFAULT_SHOPIFY_REST_LEAK_PER_SECOND } from './rate-buckets.js';
import { hashText, mixSeed, seededRandom } from './random.js';
import { ShopRuntime, type ShopLimits } from './shop-runtime.js';
import { ShopState } from './shop-state.js';
import { DAY_MS } from './time.js';
import { deliverShopifyWebhook } from './webhooks.js';

/** The app's API key when none is given (32 hex digits, as Shopify's are). */
export const DEFAULT_SHOPIFY_CLIENT_ID = '8a2d6b1c4e9f03a7d5c2b8e6f1a4d7c3';
/** The app's API secret key when none is given (`shpss_` and 32 hex digits, as current ones are). */
export const DEFAULT_SHOPIFY_CLIENT_SECRET = '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';
/** The shop the fake starts with when none is given. */
export const DEFAULT_SHOPIFY_SHOP = 'connectd-test.myshopify.com';
/** Supported API versions, oldest first; others fall forward to the oldest. */
export const SHOPIFY_API_VERSIONS: readonly string[] = ['2025-07', '2025-10', '2026-01', '2026-04', 'unstable'];
/** Without `read_all_orders`, only the last 60 days of orders are readable. */
export const DEFAULT_SHOPIFY_ORDERS_WINDOW_DAYS = 60;

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

const titleOf = (domain: string): string =>
  domain
    .replace(/\.myshopify\.com$/, '')
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');

/** Who answers the next authorization: approvals, or a denial while `denials` lasts. */
class Consent {
  #denials = 0;
  deny(count: number): void {
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError('fake shopify: denyAuthorizations count is a positive integer');
    this.#denials += count;
  }
  next(): 'approve' | 'deny' {
    if (this.#denials === 0) return 'approve';
    this.#denials -= 1;
    return 'deny';
  }
}

async function visitAuthorizeUrl(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  await response.arrayBuffer();
  if (response.status !== 302 || location === null) throw new Error(`fake shopify: authorize answered ${response.status}, not a redirect`);
  return location;
}

/**
 * Starts a fake Shopify (real HTTP on 127.0.0.1, a free port; core's `createFakeVendor` with
 * Shopify's routes, token check, error bodies, buckets and faults) with any number of shops, each
 * under its own path prefix: `${url}/{domain}` is the shop's origin, so
 * `SHOPIFY_SHOP_URL=${url}/{shop}` points a connector at it. It serves OAuth (authorize with
 * Shopify's signed callback, the token endpoint: code exchange, expiring offline tokens with
 * rotating refresh tokens, token-exchange migration), the GraphQL Admin API (calculated cost,
 * points bucket, THROTTLED, Relay cursors, search queries) and the REST Admin API (`Link`
 * paging, the leaky call bucket, 429 with `Retry-After`), with ids above 2^53. Tests seed and
 * change shops' data (getting the webhook each change makes), deliver signed webhooks, inject
 * faults, and read what arrived.
 * @example
 * const shopify = await startFakeShopify({ shops: ['acme.myshopify.com', 'beta.myshopify.com'] });
 * // SHOPIFY_CLIENT_ID=shopify.clientId SHOPIFY_CLIENT_SECRET=shopify.clientSecret SHOPIFY_SHOP_URL=`${shopify.url}/{shop}`
 * const { event } = shopify.shop('acme.myshopify.com').setAvailable(itemId, locationId, 6);
 * await shopify.deliver(event, { url: 'http://127.0.0.1:8080/webhooks/shopify' });
 * await shopify.close();
 */
export async function startFakeShopify(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const core = createCore(options);
  const { ids, faults, handles, secrets, requests } = core;
  const { vendor, books } = await startShopifyVendor(core.api, requests);
  const server = vendor.server;
  core.baseUrl.value = server.url;
  const addShop = shopAdder(core, options, (runtime) => registerShop(vendor, core.api, runtime, books));
  for (const entry of options.shops ?? [DEFAULT_SHOPIFY_SHOP]) {
    if (typeof entry === 'string') addShop(entry);
    else addShop(entry.domain, entry);
  }
  const shop = (domain?: string): FakeShopifyShop => {
    const handle = domain === undefined ? [...handles.values()][0] : handles.get(domain);
    if (handle === undefined) throw new Error(`fake shopify: no shop ${domain ?? '(none added)'}`);
    return handle;
  };
  return {
    url: server.url,
    shopUrl: (domain) => `${server.url}/${domain}`,
    clientId: core.api.oauth.clientId,
    get clientSecret() {
      return secrets.current;
    },
    get previousClientSecret() {
      return secrets.previous;
    },
    server,
    requests,
    counters: () => ({
      requests: requests.length,
      rest429: requests.filter((r) => r.rateLimited).length,
      throttled: requests.filter((r) => r.throttled).length,
      faults: requests.filter((r) => r.fault !== null).length,
    }),
    faults: {
      set: (next) => faults.set(next),
      failNext: (...replies) => void vendor.fail('/{shop}/admin/api/*', replies),
      failNextTokenRequest: (...replies) => void vendor.fail('POST /{shop}/admin/oauth/access_token', replies),
      dropTokenAnswers: (count = 1) => faults.dropTokenAnswers(count),
    },
    addShop,
    shop,
    shops: () => [...handles.values()],
    denyAuthorizations: (count = 1) => core.consent.deny(count),
    visitAuthorizeUrl,
    rotateClientSecret(next) {
      secrets.previous = secrets.current;
      secrets.current = next ?? `shpss_${ids.hex(32)}`;
      return secrets.current;
    },
    deliver: (event, delivery) => deliverShopifyWebhook({ ...delivery, event, secret: delivery.secret ?? secrets.current, webhookId: delivery.webhookId ?? ids.uuid() }),
    clearRequests: () => void requests.splice(0),
    close: () => server.close(),
  };
}

/** The fake's state and the pieces built on it, before the HTTP server. */
interface Core {
  readonly seed: number;
  readonly now: () => number;
  readonly rateClock: () => number;
  readonly ids: ShopifyIds;
  readonly ledger: OAuthLedger;
  readonly faults: FaultPlan;
  readonly consent: Consent;
  readonly secrets: { current: string; previous: string | undefined };
  readonly runtimes: Map<string, ShopRuntime>;
  readonly handles: Map<string, FakeShopifyShop>;
  readonly limits: ShopLimits;
  readonly baseUrl: { value: string };
  readonly api: ShopifyApiContext;
  readonly requests: ShopifyRequestRecord[];
}

function createCore(options: FakeShopifyOptions): Core {
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now;
  // Separate streams: how many tokens were made never changes which requests meet faults.
  const ids = new ShopifyIds(seededRandom(mixSeed(seed, 0x5309)));
  const ledger = new OAuthLedger({ now, ids, ...pick(options, ['accessTokenTtlSeconds', 'refreshTokenTtlSeconds', 'refreshTokenRetention']) });
  const faults = new FaultPlan(seededRandom(seed));
  const runtimes = new Map<string, ShopRuntime>();
  const consent = new Consent();
  const secrets = { current: options.clientSecret ?? DEFAULT_SHOPIFY_CLIENT_SECRET, previous: undefined as string | undefined };
  const baseUrl = { value: '' };
  const oauth: OAuthContext = {
    clientId: options.clientId ?? DEFAULT_SHOPIFY_CLIENT_ID,
    clientSecret: () => secrets.current,
    redirectUris: () => options.redirectUris,
    ledger,
    consent: () => consent.next(),
    now,
    installed: (domain) => void (runtimes.get(domain)!.installed = true),
  };
  const api: ShopifyApiContext = {
    oauth,
    faults,
    shop: (domain) => runtimes.get(domain),
    baseUrl: () => baseUrl.value,
    now,
    apiVersions: options.apiVersions ?? SHOPIFY_API_VERSIONS,
    maxQueryCost: options.maxQueryCost ?? DEFAULT_SHOPIFY_MAX_QUERY_COST,
    throttledStatus: options.throttledStatus ?? 200,
    ordersWindowDays: options.ordersWindowDays === null ? undefined : (options.ordersWindowDays ?? DEFAULT_SHOPIFY_ORDERS_WINDOW_DAYS),
    requestId: () => ids.uuid(),
  };
  const limits: ShopLimits = {
    restBucketSize: options.restBucketSize ?? DEFAULT_SHOPIFY_REST_BUCKET_SIZE,
    restLeakPerSecond: options.restLeakPerSecond ?? DEFAULT_SHOPIFY_REST_LEAK_PER_SECOND,
    maximumAvailable: options.graphqlMaximumAvailable ?? DEFAULT_SHOPIFY_GRAPHQL_MAXIMUM_AVAILABLE,
    restoreRate: options.graphqlRestoreRate ?? DEFAULT_SHOPIFY_GRAPHQL_RESTORE_RATE,
  };
  const rateClock = options.rateClock ?? ((): number => performance.now());
  return { seed, now, rateClock, ids, ledger, faults, consent, secrets, runtimes, handles: new Map(), limits, baseUrl, api, requests: [] };
}

/** `addShop`: its routes on the fake vendor; a shop's data, ids and seeds derive from the fake's seed and its domain, not from the order shops are added in. */
function shopAdder(core: Core, options: FakeShopifyOptions, serve: (runtime: ShopRuntime) => void): FakeShopify['addShop'] {
  return (domain, shopOptions = {}) => {
    if (!SHOP_DOMAIN.test(domain)) throw new RangeError(`fake shopify: a shop domain is lower-case {handle}.myshopify.com, got ${domain}`);
    if (core.runtimes.has(domain)) throw new Error(`fake shopify: shop ${domain} already exists`);
    const shopSeed = mixSeed(core.seed, hashText(domain));
    const shopIds = new ShopifyIds(seededRandom(mixSeed(shopSeed, 1)));
    const info = {
      id: shopIds.next('shop'),
      domain,
      name: shopOptions.name ?? titleOf(domain),
      email: `owner@${domain.replace(/\.myshopify\.com$/, '')}.example.com`,
      currency: shopOptions.currency ?? 'USD',
      ianaTimezone: 'America/New_York',
      utcOffsetMinutes: -300,
      createdAtMs: core.now() - 400 * DAY_MS,
    };
    const runtime = new ShopRuntime(new ShopState({ now: core.now, ids: shopIds }, info), core.rateClock, core.limits);
    core.runtimes.set(domain, runtime);
    serve(runtime);
    const seedRandom = (own: number | undefined, call: number): (() => number) => seededRandom(own ?? mixSeed(shopSeed, 2, call));
    const url = `${core.baseUrl.value}/${domain}`;
    const handle = shopHandle({ runtime, ledger: core.ledger, ids: shopIds, now: core.now, url, webhookApiVersion: options.webhookApiVersion ?? '2025-10', seedRandom });
    core.handles.set(domain, handle);
    if (shopOptions.seed !== false) handle.seed(shopOptions.seed ?? {});
    return handle;
  };
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]])) as Partial<Pick<T, K>>;
}
