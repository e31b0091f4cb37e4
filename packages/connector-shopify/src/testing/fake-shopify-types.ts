import type { FakeHttpServer, FakeReply, RecordedRequest } from './core-test-kit.js';
import type { FakeShopifyShop } from './fake-shopify-shop.js';
import type { ShopifyFaultKind, ShopifyFaults } from './faults.js';
import type { ThrottledStatus } from './graphql-api.js';
import type { ShopifyRefreshTokenRetention } from './oauth-ledger.js';
import type { ShopifySeedOptions } from './seed.js';
import type { ShopifyWebhookEvent } from './webhook-events.js';
import type { ShopifyDeliveryOptions, ShopifyDeliveryResult } from './webhooks.js';

/** A shop to create: its domain, and what it starts with. */
export interface ShopifyShopOptions {
  /** Default derived from the domain (`acme-tea.myshopify.com` → `Acme Tea`). */
  readonly name?: string;
  /** Default `USD`. */
  readonly currency?: string;
  /** The data to seed it with; false for an empty shop. Default the seed's defaults. */
  readonly seed?: ShopifySeedOptions | false;
}

export interface FakeShopifyOptions {
  /** The app's API key. Default {@link DEFAULT_SHOPIFY_CLIENT_ID}. */
  readonly clientId?: string;
  /** The app's API secret key: signs OAuth callbacks and webhooks. Default {@link DEFAULT_SHOPIFY_CLIENT_SECRET}. */
  readonly clientSecret?: string;
  /** The app's allowed redirection URLs; default any. */
  readonly redirectUris?: readonly string[];
  /** Shops to start with, by domain or with options. Default one, {@link DEFAULT_SHOPIFY_SHOP}, seeded. */
  readonly shops?: readonly (string | ({ readonly domain: string } & ShopifyShopOptions))[];
  /** Seeds ids, tokens, faults and data. Default 1. */
  readonly seed?: number;
  /** The clock of data, tokens and webhooks, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** The monotonic clock of the rate-limit buckets, ms. Default `performance.now`; separate so a test may freeze `now`. */
  readonly rateClock?: () => number;
  /** Supported API versions, oldest first. Default {@link SHOPIFY_API_VERSIONS}. */
  readonly apiVersions?: readonly string[];
  /** `X-Shopify-API-Version` of webhooks. Default `2025-10`. */
  readonly webhookApiVersion?: string;
  /** Expiring access tokens' lifetime. Default 3600. */
  readonly accessTokenTtlSeconds?: number;
  /** Default 2592000 (30 days). */
  readonly refreshTokenTtlSeconds?: number;
  /** Default `until-replacement-used` (see {@link ShopifyRefreshTokenRetention}). */
  readonly refreshTokenRetention?: ShopifyRefreshTokenRetention;
  /** REST call bucket of every shop. Default 40, leaking 2/s. */
  readonly restBucketSize?: number;
  readonly restLeakPerSecond?: number;
  /** GraphQL points bucket of every shop. Default 1000, restoring 50/s. */
  readonly graphqlMaximumAvailable?: number;
  readonly graphqlRestoreRate?: number;
  /** Default 1000. */
  readonly maxQueryCost?: number;
  /** Status of a THROTTLED answer. Default 200. */
  readonly throttledStatus?: ThrottledStatus;
  /** Without `read_all_orders`, orders older than this many days are hidden; null shows all. Default 60. */
  readonly ordersWindowDays?: number | null;
}

/** One request that reached the fake, and what it answered. */
export interface ShopifyRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The body parsed as JSON; undefined without one or when it is not JSON. */
  readonly body: unknown;
  readonly shop: string | null;
  readonly kind: 'oauth' | 'rest' | 'graphql' | 'other';
  /** e.g. `GET /admin/api/{version}/products.json`; null for unknown paths. */
  readonly route: string | null;
  readonly apiVersion: string | null;
  readonly status: number | 'reset' | 'hang';
  readonly fault: ShopifyFaultKind | null;
  readonly requestedCost: number | null;
  readonly actualCost: number | null;
  /** A GraphQL answer THROTTLED. */
  readonly throttled: boolean;
  /** A REST answer 429. */
  readonly rateLimited: boolean;
  readonly request: RecordedRequest;
}

/** Totals over the request log. */
export interface ShopifyCounters {
  readonly requests: number;
  readonly rest429: number;
  readonly throttled: number;
  readonly faults: number;
}

export interface FakeShopifyFaults {
  /** Random faults on Admin API requests from now on (seeded); undefined turns them off. */
  set(faults: ShopifyFaults | undefined): void;
  /** The next Admin API requests get these replies, in order, before anything else. */
  failNext(...replies: FakeReply[]): void;
  /** The next token requests get these replies instead of being served. */
  failNextTokenRequest(...replies: FakeReply[]): void;
  /** The next `count` token requests are served (tokens issued or rotated) but their answers are lost (reset). */
  dropTokenAnswers(count?: number): void;
}

/** A fake Shopify on 127.0.0.1; see {@link startFakeShopify}. */
export interface FakeShopify {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** A shop's origin, `${url}/{domain}`: put it where `https://{shop}` would be (`SHOPIFY_SHOP_URL=${url}/{shop}`). */
  shopUrl(domain: string): string;
  readonly clientId: string;
  /** The current client secret. */
  readonly clientSecret: string;
  /** The secret before the last {@link FakeShopify.rotateClientSecret}, if any. */
  readonly previousClientSecret: string | undefined;
  readonly server: FakeHttpServer;
  readonly requests: readonly ShopifyRequestRecord[];
  counters(): ShopifyCounters;
  readonly faults: FakeShopifyFaults;
  addShop(domain: string, options?: ShopifyShopOptions): FakeShopifyShop;
  /** A shop by domain; default the first. Throws for an unknown one. */
  shop(domain?: string): FakeShopifyShop;
  shops(): FakeShopifyShop[];
  /** The next `count` (default 1) authorizations are denied. */
  denyAuthorizations(count?: number): void;
  /** Plays the merchant's browser: GETs an authorize URL without following the redirect and resolves its Location; rejects on anything but 302. */
  visitAuthorizeUrl(authorizeUrl: string): Promise<string>;
  /** A new client secret (given or generated); the old one becomes {@link FakeShopify.previousClientSecret}. */
  rotateClientSecret(next?: string): string;
  /** POSTs a webhook signed with the current client secret (see {@link ShopifyDeliveryOptions} for wrong ones). */
  deliver(event: ShopifyWebhookEvent, options: Omit<ShopifyDeliveryOptions, 'event' | 'secret'> & { readonly secret?: string }): Promise<ShopifyDeliveryResult>;
  /** Forgets the request log (data and counters of shops stay). */
  clearRequests(): void;
  close(): Promise<void>;
}
