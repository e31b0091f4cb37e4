import type { FakeAnswer, FakeReply, FakeVendor, RecordedRequest } from './core-test-kit.js';
import type { FaultPlan, ShopifyFaultKind } from './faults.js';
import { serveGraphql, type ThrottledStatus } from './graphql-api.js';
import type { OAuthContext } from './oauth-app.js';
import { authorize } from './oauth-authorize.js';
import { obtainToken } from './oauth-token.js';
import { retryAfterText } from './rate-buckets.js';
import { serveRest } from './rest-api.js';
import { restError } from './rest-paging.js';
import type { ShopRuntime } from './shop-runtime.js';

/** What the endpoints reach. */
export interface ShopifyApiContext {
  readonly oauth: OAuthContext;
  readonly faults: FaultPlan;
  readonly shop: (domain: string) => ShopRuntime | undefined;
  /** `http://127.0.0.1:PORT`: shop origins are this plus `/{domain}`. */
  readonly baseUrl: () => string;
  readonly now: () => number;
  /** Supported API versions, oldest first; a request for another falls forward to the oldest. */
  readonly apiVersions: readonly string[];
  readonly maxQueryCost: number;
  readonly throttledStatus: ThrottledStatus;
  /** Orders older than this are hidden without `read_all_orders`; undefined shows all. */
  readonly ordersWindowDays: number | undefined;
  readonly requestId: () => string;
}

/** What answering one request learned, for the request log. */
export interface ApiNote {
  readonly shop: string | null;
  /** The endpoint served, e.g. `GET /admin/api/{version}/products.json`; null for unknown paths. */
  readonly route: string | null;
  readonly kind: 'oauth' | 'rest' | 'graphql' | 'other';
  readonly apiVersion: string | null;
  readonly fault: ShopifyFaultKind | null;
  readonly requestedCost: number | null;
  readonly actualCost: number | null;
  readonly throttled: boolean;
  readonly rateLimited: boolean;
}

/** The notes of the requests answered so far, kept until the log reads them. */
export type ApiNotes = WeakMap<RecordedRequest, ApiNote>;

/** An Admin API request that passed the token check: its shop, its version's headers, its token's scopes. */
export interface AdminCall {
  readonly runtime: ShopRuntime;
  readonly resource: string;
  readonly note: ApiNote;
  readonly headers: Record<string, string>;
  /** The scopes of the token. */
  readonly scopes: readonly string[];
}

/** What the Admin API's token check hands its endpoints, and the log's notes. */
export interface ApiBooks {
  readonly notes: ApiNotes;
  readonly calls: WeakMap<RecordedRequest, AdminCall>;
}

const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';
const REST_THROTTLED = 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.';
const OPEN = { authorize: false } as const;

/**
 * Shopify's 404, `{"errors":"Not Found"}`.
 * @example
 * shopifyNotFound(); // { status: 404, json: { errors: 'Not Found' } }
 */
export const shopifyNotFound = (): FakeAnswer => restError(404, 'Not Found');

/**
 * The note of a request nothing more is known of than its shop and kind.
 * @example
 * baseNote('acme.myshopify.com', 'rest'); // { shop, kind: 'rest', route: null, fault: null, … }
 */
export const baseNote = (shop: string | null, kind: ApiNote['kind'] = 'other'): ApiNote => ({
  shop,
  route: null,
  kind,
  apiVersion: null,
  fault: null,
  requestedCost: null,
  actualCost: null,
  throttled: false,
  rateLimited: false,
});

/**
 * The parts of an Admin API path, `/{shop}/admin/api/{version}/{resource}`, or undefined.
 * @example
 * adminPath('/acme.myshopify.com/admin/api/2025-10/graphql.json'); // { shop: 'acme.myshopify.com', asked: '2025-10', resource: 'graphql.json' }
 */
export function adminPath(path: string): { readonly shop: string; readonly asked: string; readonly resource: string } | undefined {
  const match = /^\/([^/]+)\/admin\/api\/([^/]+)\/(.+)$/.exec(path);
  return match === null ? undefined : { shop: match[1]!, asked: match[2]!, resource: match[3]! };
}

/**
 * Whether an Admin API resource is GraphQL's endpoint or a REST one.
 * @example
 * kindOf('graphql.json'); // 'graphql'
 */
export const kindOf = (resource: string): 'graphql' | 'rest' => (resource === 'graphql.json' ? 'graphql' : 'rest');
const withHeaders = (reply: FakeReply, headers: Record<string, string>): FakeReply => ('fault' in reply ? reply : { ...reply, headers: { ...reply.headers, ...headers } });

/**
 * Registers one shop's endpoints on a fake vendor, under `/{domain}`: OAuth authorize and the
 * token endpoint open (they authenticate by their query and body), the Admin API (REST and
 * GraphQL) behind {@link adminTokenCheck}. A dropped token answer (see `dropTokenAnswers`) is
 * served, tokens issued or rotated, then reset. Paths name the shop as added (lower case).
 * @example
 * registerShop(vendor, context, runtime, { notes, calls: new WeakMap() });
 */
export function registerShop(vendor: FakeVendor, context: ShopifyApiContext, runtime: ShopRuntime, books: ApiBooks): void {
  const shop = runtime.domain;
  const note = (request: RecordedRequest, route: string, fault: ShopifyFaultKind | null = null): void => void books.notes.set(request, { ...baseNote(shop, 'oauth'), route, fault });
  vendor
    .route(
      'GET',
      `/${shop}/admin/oauth/authorize`,
      (request) => {
        note(request, 'GET /admin/oauth/authorize');
        return authorize(context.oauth, shop, request.query);
      },
      OPEN,
    )
    .route(
      'POST',
      `/${shop}/admin/oauth/access_token`,
      (request) => {
        const drop = context.faults.dropTokenAnswer();
        const answer = obtainToken(context.oauth, shop, request);
        note(request, 'POST /admin/oauth/access_token', drop ? 'dropped' : null);
        return drop ? { fault: 'reset' } : answer;
      },
      OPEN,
    )
    .route('*', `/${shop}/admin/api/{version}/*`, (request) => serveAdminApi(context, books, books.calls.get(request)!, request));
}

/**
 * The Admin API's token check (core's `authorize` hook): `X-Shopify-Access-Token` must be a live
 * token of the path's shop, with the app installed; else 401 `[API] Invalid API key…`, counted
 * in the shop's stats. Either way the answer carries `X-Shopify-API-Version` (the asked version,
 * falling forward to the oldest) and a fresh `X-Request-Id`.
 * @example
 * createFakeVendor({ authorize: adminTokenCheck(context, books) });
 */
export function adminTokenCheck(context: ShopifyApiContext, books: ApiBooks): (request: RecordedRequest) => true | FakeReply {
  return (request) => {
    const { shop, asked, resource } = adminPath(request.path)!;
    const runtime = context.shop(shop)!;
    const kind = kindOf(resource);
    const apiVersion = context.apiVersions.includes(asked) ? asked : context.apiVersions[0]!;
    const headers = { 'x-shopify-api-version': apiVersion, 'x-request-id': context.requestId() };
    const note = { ...baseNote(shop, kind), route: `${request.method.toUpperCase()} /admin/api/{version}/${resource}`, apiVersion };
    books.notes.set(request, note);
    const token = request.headers['x-shopify-access-token'];
    const access = typeof token === 'string' ? context.oauth.ledger.access(token) : 'unknown';
    if (typeof access === 'string' || access.shop !== shop || !runtime.installed) {
      runtime.count(kind);
      return withHeaders(restError(401, INVALID_TOKEN), headers);
    }
    books.calls.set(request, { runtime, resource, note, headers, scopes: access.scopes });
    return true;
  };
}

function serveAdminApi(context: ShopifyApiContext, books: ApiBooks, call: AdminCall, request: RecordedRequest): FakeReply {
  const { runtime, resource, scopes } = call;
  const done = (partial: Partial<ApiNote> & { readonly reply: FakeReply }): FakeReply => {
    const { reply, ...rest } = partial;
    books.notes.set(request, { ...call.note, ...rest });
    return withHeaders(reply, call.headers);
  };
  const nowMs = context.now();
  const ordersWindowDays = scopes.includes('read_all_orders') ? undefined : context.ordersWindowDays;
  const resolve = { state: runtime.state, scopes, nowMs, ordersWindowDays };
  if (kindOf(resource) === 'graphql') {
    if (request.method.toUpperCase() !== 'POST') return done({ reply: shopifyNotFound() });
    const served = serveGraphql({ resolve, bucket: runtime.points, maxQueryCost: context.maxQueryCost, throttledStatus: context.throttledStatus }, request);
    runtime.count('graphql', { throttled: served.throttled, points: served.actualCost ?? 0 });
    return done({ reply: served.answer, requestedCost: served.requestedCost, actualCost: served.actualCost, throttled: served.throttled });
  }
  const take = runtime.rest.take();
  const callLimit = { 'x-shopify-shop-api-call-limit': `${take.used}/${runtime.rest.size}` };
  if (!take.ok) {
    runtime.count('rest', { rest429: true });
    return done({ reply: restError(429, REST_THROTTLED, { ...callLimit, 'retry-after': retryAfterText(take.retryAfterSeconds) }), rateLimited: true });
  }
  runtime.count('rest');
  const apiBase = `${context.baseUrl()}/${runtime.domain}/admin/api/${call.note.apiVersion}`;
  return done({ reply: withHeaders(serveRest({ ...resolve, apiBase }, resource, request), callLimit) });
}
