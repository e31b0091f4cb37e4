import type { ShopifyIds } from './ids.js';
import { SHOPIFY_READ_SCOPES } from './oauth-app.js';
import type { OAuthLedger, ShopifyIssuedToken, ShopifyRefreshState, ShopifyTokenResponse } from './oauth-ledger.js';
import type { ThrottleStatus } from './rate-buckets.js';
import { seedShop, type ShopifySeedOptions, type ShopifySeedResult } from './seed.js';
import { shopChanges, type ShopChanges } from './shop-changes.js';
import type { ShopifyCustomerInput, ShopifyLocationInput } from './shop-inputs.js';
import type { ShopRuntime, ShopifyShopStats } from './shop-runtime.js';
import type { ShopifyCustomer, ShopifyInventoryItem, ShopifyInventoryLevel, ShopifyLocation, ShopifyOrder, ShopifyProduct, ShopifyShopInfo, ShopifyVariant } from './shop-types.js';

/** Reading a shop's data, and adding records that make no webhook. */
export interface ShopData {
  readonly domain: string;
  /** The shop's origin at the fake, `http://127.0.0.1:PORT/{domain}`: what `SHOPIFY_SHOP_URL` names. */
  readonly url: string;
  info(): ShopifyShopInfo;
  /** Adds generated data; reproducible for the same fake seed, domain and calls. */
  seed(options?: ShopifySeedOptions): ShopifySeedResult;
  locations(): ShopifyLocation[];
  products(): ShopifyProduct[];
  variants(): ShopifyVariant[];
  inventoryItems(): ShopifyInventoryItem[];
  levels(): ShopifyInventoryLevel[];
  level(inventoryItemId: string, locationId: string): ShopifyInventoryLevel | undefined;
  customers(): ShopifyCustomer[];
  orders(): ShopifyOrder[];
  addLocation(input: ShopifyLocationInput): ShopifyLocation;
  addCustomer(input?: ShopifyCustomerInput): ShopifyCustomer;
}

/** The app's side of a shop: its install, tokens and rate limits. */
export interface ShopApp {
  /** Whether the app is installed (a code exchange installs it; `uninstall` removes it). */
  readonly installed: boolean;
  /** Issues tokens as a finished install would, without HTTP; installs the app. Default expiring, the read scopes. */
  issueTokens(options?: { readonly kind?: 'offline' | 'expiring' | 'online'; readonly scopes?: readonly string[] }): ShopifyTokenResponse;
  tokens(): ShopifyIssuedToken[];
  refreshTokenState(refreshToken: string): ShopifyRefreshState | undefined;
  /** Expires the live expiring and online access tokens now (refresh tokens stay); returns how many. */
  expireAccessTokens(): number;
  stats(): ShopifyShopStats;
  throttleStatus(): ThrottleStatus;
  /** Changes the REST call bucket (size, leak per second). */
  setRestBucket(limits: { readonly size?: number; readonly leakPerSecond?: number }): void;
  /** Changes the GraphQL points bucket (maximum, restore rate per second). */
  setGraphqlBucket(limits: { readonly maximumAvailable?: number; readonly restoreRate?: number }): void;
  /** Takes points from the GraphQL bucket (all by default), so the next queries meet THROTTLED. */
  drainGraphqlPoints(points?: number): void;
}

/**
 * One shop at the fake: read its data, change it the way the merchant's admin would (each change
 * returning the webhook Shopify would send, ready for `FakeShopify.deliver`), look at the app's
 * tokens and rate limits. Unknown ids throw: they are mistakes in the test.
 */
export interface FakeShopifyShop extends ShopData, ShopChanges, ShopApp {}

/** What a shop handle needs from its fake. */
export interface ShopHandleDeps {
  readonly runtime: ShopRuntime;
  readonly ledger: OAuthLedger;
  readonly ids: ShopifyIds;
  readonly now: () => number;
  readonly url: string;
  readonly webhookApiVersion: string;
  /** The seeded source of a seeding call: its own seed, else one derived from the fake's seed, the shop and the call's number. */
  readonly seedRandom: (own: number | undefined, call: number) => () => number;
}

function shopData(deps: ShopHandleDeps): ShopData {
  const { state } = deps.runtime;
  let seedings = 0;
  return {
    domain: state.info.domain,
    url: deps.url,
    info: () => state.info,
    seed: (options = {}) => seedShop(state, deps.seedRandom(options.seed, ++seedings), options, deps.now()),
    locations: () => [...state.locations.values()],
    products: () => [...state.products.values()],
    variants: () => [...state.variants.values()],
    inventoryItems: () => [...state.items.values()],
    levels: () => [...state.levels.values()],
    level: (itemId, locationId) => state.level(itemId, locationId),
    customers: () => [...state.customers.values()],
    orders: () => [...state.orders.values()],
    addLocation: (input) => state.addLocation(input),
    addCustomer: (input) => state.addCustomer(input),
  };
}

/**
 * Makes the {@link FakeShopifyShop} handle over one shop's runtime.
 * @example
 * const shop = shopHandle({ runtime, ledger, ids, now, url, webhookApiVersion: '2025-10', seedRandom });
 * const { event } = shop.setAvailable(itemId, locationId, 6); // inventory_levels/update
 */
export function shopHandle(deps: ShopHandleDeps): FakeShopifyShop {
  const { runtime, ledger } = deps;
  const domain = runtime.domain;
  return {
    ...shopData(deps),
    ...shopChanges(deps),
    get installed() {
      return runtime.installed;
    },
    issueTokens(options = {}) {
      runtime.installed = true;
      return ledger.issue(domain, options.scopes ?? SHOPIFY_READ_SCOPES, options.kind ?? 'expiring', 'direct');
    },
    tokens: () => ledger.tokensOf(domain),
    refreshTokenState: (token) => ledger.refreshState(token),
    expireAccessTokens: () => ledger.expireAccessTokens(domain),
    stats: () => runtime.stats(),
    throttleStatus: () => runtime.throttleStatus(),
    setRestBucket: (limits) => runtime.rest.configure(limits),
    setGraphqlBucket: (limits) => runtime.points.configure(limits),
    drainGraphqlPoints: (points) => runtime.points.drain(points),
  };
}
