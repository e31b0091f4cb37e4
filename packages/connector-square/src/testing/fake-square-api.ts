import type { V2Handler } from './api-context.js';
import { listCatalog, searchCatalogObjects } from './catalog-api.js';
import type { FakeAnswer, FakeReply, FakeVendor, RecordedRequest } from './core-test-kit.js';
import type { CursorBook } from './cursors.js';
import { batchRetrieveInventoryCounts } from './inventory-api.js';
import { batchChangeInventory } from './inventory-changes-api.js';
import type { MerchantState } from './merchant-state.js';
import type { OAuthContext } from './oauth-app.js';
import { authorize } from './oauth-authorize.js';
import type { AccessGrant, TokenProblem } from './oauth-ledger.js';
import { revokeToken, type SquareRevocation } from './oauth-revoke.js';
import { obtainToken } from './oauth-token.js';
import { retrieveOrder, searchOrders } from './orders-api.js';
import { listPayments } from './payments-api.js';
import { invalidRequest, squareError, squareJson } from './replies.js';

/** The `Square-Version` answered when a request sends none: the spec's default (the app's pinned version at Square). */
export const DEFAULT_SQUARE_VERSION = '2025-08-20';

/** Everything the endpoints reach. */
export interface SquareApiContext {
  readonly oauth: OAuthContext;
  readonly cursors: CursorBook;
  readonly merchant: (id: string) => MerchantState | undefined;
  readonly now: () => number;
  readonly squareVersion: string;
  readonly recordRevocation: (revocation: SquareRevocation) => void;
}

interface V2Route {
  readonly method: string;
  /** A route path of core's fake vendor (`{name}` segments). */
  readonly path: string;
  /** The OAuth permission the spec's `security` lists for the endpoint. */
  readonly scope: string;
  readonly handler: V2Handler;
}

const V2_ROUTES: readonly V2Route[] = [
  { method: 'GET', path: '/v2/locations', scope: 'MERCHANT_PROFILE_READ', handler: (c) => squareJson({ locations: c.merchant.locations() }) },
  { method: 'GET', path: '/v2/catalog/list', scope: 'ITEMS_READ', handler: listCatalog },
  { method: 'POST', path: '/v2/catalog/search', scope: 'ITEMS_READ', handler: searchCatalogObjects },
  { method: 'POST', path: '/v2/inventory/counts/batch-retrieve', scope: 'INVENTORY_READ', handler: batchRetrieveInventoryCounts },
  { method: 'POST', path: '/v2/inventory/changes/batch-create', scope: 'INVENTORY_WRITE', handler: batchChangeInventory },
  { method: 'POST', path: '/v2/orders/search', scope: 'ORDERS_READ', handler: searchOrders },
  { method: 'GET', path: '/v2/orders/{order_id}', scope: 'ORDERS_READ', handler: retrieveOrder },
  { method: 'GET', path: '/v2/payments', scope: 'PAYMENTS_READ', handler: listPayments },
];

const tokenRefusal: Record<TokenProblem, { code: string; detail: string }> = {
  unknown: { code: 'UNAUTHORIZED', detail: 'The access token is missing or not known' },
  used: { code: 'UNAUTHORIZED', detail: 'The access token is not valid' },
  expired: { code: 'ACCESS_TOKEN_EXPIRED', detail: 'The access token has expired' },
  revoked: { code: 'ACCESS_TOKEN_REVOKED', detail: 'The access token has been revoked' },
};

const OPEN = { authorize: false } as const;

/**
 * The `Square-Version` a request asks for (else the pinned default), and the 400
 * `INVALID_SQUARE_VERSION_FORMAT` a malformed one gets.
 * @example
 * versionOf(request, '2025-08-20'); // { version: '2025-08-20', refusal: undefined }
 */
export function versionOf(request: RecordedRequest, pinned: string): { readonly version: string; readonly refusal: FakeAnswer | undefined } {
  const sent = request.headers['square-version'];
  const version = typeof sent === 'string' ? sent : pinned;
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(version);
  return { version, refusal: ok ? undefined : invalidRequest('INVALID_SQUARE_VERSION_FORMAT', 'Square-Version must be YYYY-MM-DD', 'Square-Version') };
}

/**
 * Square's 404 for a path it does not serve.
 * @example
 * squareNotFound(); // 404 INVALID_REQUEST_ERROR/NOT_FOUND
 */
export function squareNotFound(): FakeAnswer {
  return squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', 'No such endpoint at the fake Square');
}

/**
 * The check of the bearer token on `/v2` (core's `authorize` hook): true and the grant kept for
 * the endpoint, or a 401 `UNAUTHORIZED`, `ACCESS_TOKEN_EXPIRED` or `ACCESS_TOKEN_REVOKED`.
 * @example
 * createFakeVendor({ authorize: bearerCheck(context, grants) });
 */
export function bearerCheck(context: SquareApiContext, grants: WeakMap<RecordedRequest, AccessGrant>): (request: RecordedRequest) => true | FakeReply {
  return (request) => {
    const token = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const access = token === undefined ? 'unknown' : context.oauth.ledger.access(token);
    if (typeof access === 'string') {
      const { code, detail } = tokenRefusal[access];
      return squareError('AUTHENTICATION_ERROR', code, detail);
    }
    grants.set(request, access);
    return true;
  };
}

/**
 * Registers Square's endpoints on a fake vendor: the OAuth ones open (they authenticate by their
 * body), the `/v2` ones behind the bearer check, each then checking the token's scopes (403
 * `INSUFFICIENT_SCOPES`); any other `/v2` path is a 404 after the same faults and token check.
 * @example
 * registerSquareApi(vendor, context, grants);
 */
export function registerSquareApi(vendor: FakeVendor, context: SquareApiContext, grants: WeakMap<RecordedRequest, AccessGrant>): void {
  const at = (): string => new Date(context.now()).toISOString();
  vendor
    .route('GET', '/oauth2/authorize', (request) => authorize(context.oauth, request.query), OPEN)
    .route('POST', '/oauth2/token', (request) => obtainToken(context.oauth, request.text()), OPEN)
    .route('POST', '/oauth2/revoke', (request) => revokeToken(context.oauth, request, at, context.recordRevocation), OPEN);
  for (const route of V2_ROUTES) vendor.route(route.method, route.path, (request) => serveV2(context, route, grants.get(request)!, request));
  vendor.route('*', '/v2/*', squareNotFound);
}

function serveV2(context: SquareApiContext, route: V2Route, access: AccessGrant, request: RecordedRequest): FakeReply {
  const merchant = context.merchant(access.merchantId);
  if (merchant === undefined) return squareNotFound();
  if (!access.scopes.includes(route.scope)) return squareError('AUTHENTICATION_ERROR', 'INSUFFICIENT_SCOPES', `The access token lacks the ${route.scope} permission`);
  return route.handler({ merchant, cursors: context.cursors, now: context.now }, request);
}
