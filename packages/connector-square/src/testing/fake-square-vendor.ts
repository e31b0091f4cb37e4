import { createFakeVendor, type FakeReply, type FakeVendor, type RecordedRequest, type VendorExchange } from './core-test-kit.js';
import { bearerCheck, registerSquareApi, squareNotFound, versionOf, type SquareApiContext } from './fake-square-api.js';
import type { SquareRequestRecord } from './fake-square.js';
import type { FaultDecision, FaultPlan } from './faults.js';
import type { AccessGrant } from './oauth-ledger.js';

/** What the fake Square's server is built from: the endpoints' context, the random fault plan, the log to fill. */
export interface SquareVendorParts {
  readonly api: SquareApiContext;
  readonly faults: FaultPlan;
  readonly requests: SquareRequestRecord[];
}

/** Where Square's data API lives; OAuth endpoints, outside it, meet neither faults nor the token check. */
const V2 = '/v2/';

const withVersion = (answer: FakeReply, version: string): FakeReply => ('fault' in answer ? answer : { ...answer, headers: { ...answer.headers, 'square-version': version } });

/**
 * Starts core's fake vendor as Square: every answer echoes `Square-Version` (the request's, else
 * the pinned default) and a malformed one is a 400 `INVALID_SQUARE_VERSION_FORMAT` before
 * anything else; a `/v2` request meets, in order, scripted faults (core's queue), the seeded
 * random faults (cursor expiry included), the bearer token, then its endpoint.
 * @example
 * const vendor = await startSquareVendor({ api, faults, requests });
 * vendor.fail('/v2/*', [{ fault: 'reset' }]);
 */
export async function startSquareVendor(parts: SquareVendorParts): Promise<FakeVendor> {
  const { api, faults, requests } = parts;
  // The plan decides once per request (in `intercept`); `delayMs` and the log read that decision back.
  const decisions = new WeakMap<RecordedRequest, FaultDecision>();
  const grants = new WeakMap<RecordedRequest, AccessGrant>();
  const version = (request: RecordedRequest): ReturnType<typeof versionOf> => versionOf(request, api.squareVersion);
  const vendor = await createFakeVendor({
    intercept(request) {
      const { refusal } = version(request);
      if (refusal !== undefined || !request.path.startsWith(V2)) return refusal;
      const decision = faults.decide();
      decisions.set(request, decision);
      if (decision.kind !== 'none') return decision.reply;
      if (decision.expireCursors) api.cursors.expireAll();
      return undefined;
    },
    authorize: bearerCheck(api, grants),
    delayMs: (request) => {
      const decision = decisions.get(request);
      return decision?.kind === 'none' ? decision.delayMs : 0;
    },
    notFound: (request) => version(request).refusal ?? squareNotFound(),
    finish: (answer, request) => withVersion(answer, version(request).version),
    observe: (exchange) => requests.push(recordOf(exchange, decisions.get(exchange.request), grants.get(exchange.request))),
  });
  registerSquareApi(vendor, api, grants);
  return vendor;
}

function parsedBody(request: RecordedRequest): unknown {
  if (request.body.length === 0) return undefined;
  try {
    return request.json();
  } catch {
    return undefined;
  }
}

/** The log entry of one exchange: the endpoint served (none for the `/v2` catch-all), the token's seller, the fault that answered or preceded it. */
function recordOf(exchange: VendorExchange, decision: FaultDecision | undefined, grant: AccessGrant | undefined): SquareRequestRecord {
  const { request, reply, stage } = exchange;
  const status = 'fault' in reply ? reply.fault : (reply.status ?? 200);
  const route = stage === 'route' && exchange.route !== `* ${V2}*` ? exchange.route : null;
  let fault: SquareRequestRecord['fault'] = null;
  if (stage === 'fault') fault = 'scripted';
  else if (decision !== undefined && decision.kind !== 'none') fault = decision.kind;
  else if (decision?.kind === 'none' && decision.expireCursors) fault = 'cursors_expired';
  const merchantId = stage === 'route' ? (grant?.merchantId ?? null) : null;
  const { method, path } = request;
  return { method, path, query: Object.fromEntries(request.query), body: parsedBody(request), route, merchantId, status, fault, request };
}
