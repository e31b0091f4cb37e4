import type { V2Handler } from './api-context.js';
import { listCatalog, searchCatalogObjects } from './catalog-api.js';
import type { FakeAnswer, FakeReply, RecordedRequest } from './core-test-kit.js';
import type { CursorBook } from './cursors.js';
import type { FaultPlan, SquareFaultKind } from './faults.js';
import { batchRetrieveInventoryCounts } from './inventory-api.js';
import { batchChangeInventory } from './inventory-changes-api.js';
import type { MerchantState } from './merchant-state.js';
import type { OAuthContext } from './oauth-app.js';
import { authorize } from './oauth-authorize.js';
import type { TokenProblem } from './oauth-ledger.js';
import { revokeToken, type SquareRevocation } from './oauth-revoke.js';
import { obtainToken } from './oauth-token.js';
import { retrieveOrder, searchOrders } from './orders-api.js';
import { listPayments } from './payments-api.js';
import { invalidRequest, squareError, squareJson } from './replies.js';

/** The `Square-Version` answered when a request sends none: the spec's default (the app's pinned version at Square). */
export const DEFAULT_SQUARE_VERSION = '2025-08-20';

/** Everything the request handler reaches. */
export interface SquareApiContext {
  readonly oauth: OAuthContext;
  readonly faults: FaultPlan;
  readonly cursors: CursorBook;
  readonly merchant: (id: string) => MerchantState | undefined;
  readonly now: () => number;
  readonly squareVersion: string;
  readonly recordRevocation: (revocation: SquareRevocation) => void;
}

/** What the handler did with one request, for the request log. */
export interface ApiOutcome {
  readonly reply: FakeReply;
  /** The endpoint served, e.g. `GET /v2/orders/{order_id}`; null for unknown paths and requests refused before routing. */
  readonly route: string | null;
  /** The seller whose token authorized the request. */
  readonly merchantId: string | null;
  readonly fault: SquareFaultKind | null;
}

interface V2Route {
  readonly method: string;
  readonly path: string | RegExp;
  readonly route: string;
  /** The OAuth permission the spec's `security` lists for the endpoint. */
  readonly scope: string;
  readonly handler: V2Handler;
}

const V2_ROUTES: readonly V2Route[] = [
  { method: 'GET', path: '/v2/locations', route: 'GET /v2/locations', scope: 'MERCHANT_PROFILE_READ', handler: (c) => squareJson({ locations: c.merchant.locations() }) },
  { method: 'GET', path: '/v2/catalog/list', route: 'GET /v2/catalog/list', scope: 'ITEMS_READ', handler: listCatalog },
  { method: 'POST', path: '/v2/catalog/search', route: 'POST /v2/catalog/search', scope: 'ITEMS_READ', handler: searchCatalogObjects },
  { method: 'POST', path: '/v2/inventory/counts/batch-retrieve', route: 'POST /v2/inventory/counts/batch-retrieve', scope: 'INVENTORY_READ', handler: batchRetrieveInventoryCounts },
  { method: 'POST', path: '/v2/inventory/changes/batch-create', route: 'POST /v2/inventory/changes/batch-create', scope: 'INVENTORY_WRITE', handler: batchChangeInventory },
  { method: 'POST', path: '/v2/orders/search', route: 'POST /v2/orders/search', scope: 'ORDERS_READ', handler: searchOrders },
  { method: 'GET', path: /^\/v2\/orders\/[^/]+$/, route: 'GET /v2/orders/{order_id}', scope: 'ORDERS_READ', handler: retrieveOrder },
  { method: 'GET', path: '/v2/payments', route: 'GET /v2/payments', scope: 'PAYMENTS_READ', handler: listPayments },
];

const tokenRefusal: Record<TokenProblem, { code: string; detail: string }> = {
  unknown: { code: 'UNAUTHORIZED', detail: 'The access token is missing or not known' },
  used: { code: 'UNAUTHORIZED', detail: 'The access token is not valid' },
  expired: { code: 'ACCESS_TOKEN_EXPIRED', detail: 'The access token has expired' },
  revoked: { code: 'ACCESS_TOKEN_REVOKED', detail: 'The access token has been revoked' },
};

const notFound = (): FakeAnswer => squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', 'No such endpoint at the fake Square');
const withVersion = (reply: FakeReply, version: string): FakeReply => ('fault' in reply ? reply : { ...reply, headers: { ...reply.headers, 'square-version': version } });

/**
 * Serves one request to the fake Square. Every answer echoes `Square-Version` (the request's, else
 * the pinned default); a malformed one is a 400 `INVALID_SQUARE_VERSION_FORMAT`. OAuth endpoints
 * are served as they are; a `/v2` request meets, in order: injected faults (before anything
 * changes), the bearer token (401 `UNAUTHORIZED`, `ACCESS_TOKEN_EXPIRED` or `ACCESS_TOKEN_REVOKED`),
 * the route (404), the token's scopes (403 `INSUFFICIENT_SCOPES`), then the endpoint.
 * @example
 * const outcome = serveSquare(context, request); // outcome.reply goes back through the fake HTTP server
 */
export function serveSquare(context: SquareApiContext, request: RecordedRequest): ApiOutcome {
  const sent = request.headers['square-version'];
  const version = typeof sent === 'string' ? sent : context.squareVersion;
  const outcome = route(context, request, version);
  return { ...outcome, reply: withVersion(outcome.reply, version) };
}

function route(context: SquareApiContext, request: RecordedRequest, version: string): ApiOutcome {
  const method = request.method.toUpperCase();
  const answered = (reply: FakeReply, routeName: string | null = null): ApiOutcome => ({ reply, route: routeName, merchantId: null, fault: null });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version)) return answered(invalidRequest('INVALID_SQUARE_VERSION_FORMAT', 'Square-Version must be YYYY-MM-DD', 'Square-Version'));
  if (request.path === '/oauth2/authorize' && method === 'GET') return answered(authorize(context.oauth, request.query), 'GET /oauth2/authorize');
  if (request.path === '/oauth2/token' && method === 'POST') return answered(obtainToken(context.oauth, request.text()), 'POST /oauth2/token');
  if (request.path === '/oauth2/revoke' && method === 'POST') {
    const at = (): string => new Date(context.now()).toISOString();
    return answered(revokeToken(context.oauth, request, at, context.recordRevocation), 'POST /oauth2/revoke');
  }
  if (request.path.startsWith('/v2/')) return serveV2(context, request, method);
  return answered(notFound());
}

function serveV2(context: SquareApiContext, request: RecordedRequest, method: string): ApiOutcome {
  const decision = context.faults.decide();
  if (decision.kind !== 'none') return { reply: decision.reply, route: null, merchantId: null, fault: decision.kind };
  if (decision.expireCursors) context.cursors.expireAll();
  const fault = decision.expireCursors ? 'cursors_expired' : null;

  const token = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const access = token === undefined ? 'unknown' : context.oauth.ledger.access(token);
  if (typeof access === 'string') {
    const { code, detail } = tokenRefusal[access];
    return { reply: squareError('AUTHENTICATION_ERROR', code, detail), route: null, merchantId: null, fault };
  }
  const found = V2_ROUTES.find((candidate) => candidate.method === method && (typeof candidate.path === 'string' ? candidate.path === request.path : candidate.path.test(request.path)));
  const merchant = context.merchant(access.merchantId);
  if (found === undefined || merchant === undefined) return { reply: notFound(), route: null, merchantId: access.merchantId, fault };
  if (!access.scopes.includes(found.scope)) {
    const reply = squareError('AUTHENTICATION_ERROR', 'INSUFFICIENT_SCOPES', `The access token lacks the ${found.scope} permission`);
    return { reply, route: found.route, merchantId: merchant.id, fault };
  }
  const answer = found.handler({ merchant, cursors: context.cursors, now: context.now }, request);
  return { reply: decision.delayMs > 0 ? { ...answer, delayMs: decision.delayMs } : answer, route: found.route, merchantId: merchant.id, fault };
}
