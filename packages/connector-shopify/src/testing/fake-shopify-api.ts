import type { FakeAnswer, FakeReply, RecordedRequest } from './core-test-kit.js';
import type { FaultPlan, ShopifyFaultKind } from './faults.js';
import { serveGraphql, type ThrottledStatus } from './graphql-api.js';
import type { OAuthContext } from './oauth-app.js';
import { authorize } from './oauth-authorize.js';
import { obtainToken } from './oauth-token.js';
import { retryAfterText } from './rate-buckets.js';
import { serveRest } from './rest-api.js';
import { restError } from './rest-paging.js';
import type { ShopRuntime } from './shop-runtime.js';

/** What the request handler reaches. */
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

/** What the handler did with one request, for the request log. */
export interface ApiOutcome {
  readonly reply: FakeReply;
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

const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';
const REST_THROTTLED = 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.';
const notFound = (): FakeAnswer => restError(404, 'Not Found');

const base = (shop: string | null, kind: ApiOutcome['kind'] = 'other'): Omit<ApiOutcome, 'reply'> => ({
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

const safeDecode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const withHeaders = (reply: FakeReply, headers: Record<string, string>): FakeReply => ('fault' in reply ? reply : { ...reply, headers: { ...reply.headers, ...headers } });

/**
 * Serves one request to the fake Shopify. The first path segment names the shop
 * (`/{domain}/admin/...`); unknown shops and paths: 404 `{"errors":"Not Found"}`. OAuth endpoints
 * are served as they are (token requests with their own fault script); an Admin API request
 * meets, in order: injected faults, the API version (falling forward), the access token (401),
 * then GraphQL's points bucket or REST's call bucket (429 with `Retry-After`), then the endpoint.
 * @example
 * const outcome = serveShopify(context, request); // outcome.reply goes back through the fake HTTP server
 */
export function serveShopify(context: ShopifyApiContext, request: RecordedRequest): ApiOutcome {
  const match = /^\/([^/]+)(\/admin\/.*)$/.exec(request.path);
  const runtime = match === null ? undefined : context.shop(safeDecode(match[1]!).toLowerCase());
  if (match === null || runtime === undefined) return { ...base(null), reply: notFound() };
  const path = match[2]!;
  const method = request.method.toUpperCase();
  const shop = runtime.domain;
  if (path === '/admin/oauth/authorize' && method === 'GET') return { ...base(shop, 'oauth'), route: 'GET /admin/oauth/authorize', reply: authorize(context.oauth, shop, request.query) };
  if (path === '/admin/oauth/access_token' && method === 'POST') {
    const route = 'POST /admin/oauth/access_token';
    const decision = context.faults.decideToken();
    if ('reply' in decision) return { ...base(shop, 'oauth'), route, fault: 'scripted', reply: decision.reply };
    // A dropped answer: the request is served (tokens issued, rotated), then the connection is reset.
    const answer = obtainToken(context.oauth, shop, request);
    return { ...base(shop, 'oauth'), route, reply: decision.drop ? { fault: 'reset' } : answer, fault: decision.drop ? 'dropped' : null };
  }
  const api = /^\/admin\/api\/([^/]+)\/(.+)$/.exec(path);
  if (api === null) return { ...base(shop), reply: notFound() };
  return serveAdminApi(context, runtime, request, api[1]!, api[2]!);
}

function serveAdminApi(context: ShopifyApiContext, runtime: ShopRuntime, request: RecordedRequest, asked: string, resource: string): ApiOutcome {
  const graphql = resource === 'graphql.json';
  const kind = graphql ? 'graphql' : 'rest';
  const shop = runtime.domain;
  const decision = context.faults.decide();
  if (decision.kind !== 'none') return { ...base(shop, kind), fault: decision.kind, reply: decision.reply };
  const apiVersion = context.apiVersions.includes(asked) ? asked : context.apiVersions[0]!;
  const route = `${request.method.toUpperCase()} /admin/api/{version}/${resource}`;
  const headers = { 'x-shopify-api-version': apiVersion, 'x-request-id': context.requestId() };
  const outcome = { ...base(shop, kind), route, apiVersion, fault: decision.delayMs > 0 ? ('slow' as const) : null };
  const done = (partial: Partial<ApiOutcome> & { reply: FakeReply }): ApiOutcome => {
    const reply = withHeaders(partial.reply, headers);
    return { ...outcome, ...partial, reply: decision.delayMs > 0 && !('fault' in reply) ? { ...reply, delayMs: decision.delayMs } : reply };
  };
  const token = request.headers['x-shopify-access-token'];
  const access = typeof token === 'string' ? context.oauth.ledger.access(token) : 'unknown';
  if (typeof access === 'string' || access.shop !== shop || !runtime.installed) {
    runtime.count(kind);
    return done({ reply: restError(401, INVALID_TOKEN) });
  }
  const nowMs = context.now();
  const ordersWindowDays = access.scopes.includes('read_all_orders') ? undefined : context.ordersWindowDays;
  const resolve = { state: runtime.state, scopes: access.scopes, nowMs, ordersWindowDays };
  if (graphql) {
    if (request.method.toUpperCase() !== 'POST') return done({ reply: notFound() });
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
  const apiBase = `${context.baseUrl()}/${shop}/admin/api/${apiVersion}`;
  return done({ reply: withHeaders(serveRest({ ...resolve, apiBase }, resource, request), callLimit) });
}
