import { createFakeVendor, type FakeHttpServer, type FakeReply, type RecordedRequest, type VendorExchange } from './core-test-kit.js';
import { modeOfKey, registerStorqApi, STORQ_API_PATH, type StorqApiContext } from './fake-storq-api.js';
import { StorqState, type StockSeed } from './fake-storq-state.js';
import { FaultPlan, type FaultDecision, type StorqFaultKind, type StorqFaults } from './faults.js';
import { storqError } from './replies.js';
import { idMaker, seededRandom } from './random.js';
import type { StorqEvent, StorqMode, StorqOrder, StorqOrderInput, StorqProduct, StorqStockRow } from './types.js';
import { deliverStorqEvent, orderShippedEvent, stockUpdatedEvent, type StorqDeliveryOptions, type StorqDeliveryResult } from './webhooks.js';

export const DEFAULT_STORQ_LIVE_KEY = 'fsk_live_fake_0001';
export const DEFAULT_STORQ_TEST_KEY = 'fsk_test_fake_0001';
export const DEFAULT_STORQ_WEBHOOK_SECRET = 'whsec_fake_storq';
/** Seed of the fake's random faults and ids when none is given. */
export const DEFAULT_STORQ_SEED = 1;

export interface FakeStorqOptions {
  /** The live-mode API key (`fsk_live_` + at least 8 characters). Default {@link DEFAULT_STORQ_LIVE_KEY}. */
  readonly liveKey?: string;
  /** The test-mode API key (`fsk_test_` + at least 8 characters). Default {@link DEFAULT_STORQ_TEST_KEY}. */
  readonly testKey?: string;
  /** Default {@link DEFAULT_STORQ_WEBHOOK_SECRET}. */
  readonly webhookSecret?: string;
  /** Seeds faults and ids, so runs are reproducible. Default {@link DEFAULT_STORQ_SEED}. */
  readonly seed?: number;
  /** storq's clock in epoch ms, for `created_at`/`updated_at`/`shipped_at`. Default `Date.now`. */
  readonly now?: () => number;
}

/** One request that reached the fake, and what it answered. */
export interface StorqRequestRecord {
  readonly method: string;
  /** Full pathname as sent, e.g. `/api/v1/stock`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The endpoint served, e.g. `GET /orders/{id}/status`; null when refused before routing (fault, 401) or unknown. */
  readonly route: string | null;
  /** The mode of the key sent; null without a valid key (or when a fault answered first). */
  readonly mode: StorqMode | null;
  /** HTTP status answered, or `reset` / `hang` when no answer went out. */
  readonly status: number | 'reset' | 'hang';
  /** The injected fault that answered, if any. */
  readonly fault: StorqFaultKind | null;
  readonly request: RecordedRequest;
}

/** A fake storq.io on 127.0.0.1; see {@link startFakeStorq}. */
export interface FakeStorq {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `${url}/api/v1`: what a connection's base URL points at. */
  readonly baseUrl: string;
  readonly liveKey: string;
  readonly testKey: string;
  readonly webhookSecret: string;
  /** The underlying loopback server, for raw access. */
  readonly server: FakeHttpServer;
  /** Every request, in order of arrival. */
  readonly requests: readonly StorqRequestRecord[];
  /** Replaces the whole stock of a mode (default live). */
  setStock(rows: readonly StockSeed[], mode?: StorqMode): void;
  /** The stock of a mode sorted by sku: what a stock sync must land. */
  stock(mode?: StorqMode): StorqStockRow[];
  /** Adds a product as `POST /products` would; throws on a duplicate sku. */
  addProduct(input: { readonly name: string; readonly sku: string }, mode?: StorqMode): StorqProduct;
  products(mode?: StorqMode): StorqProduct[];
  /** Creates an order as `POST /orders` would (no validation, no dedupe). */
  addOrder(input: StorqOrderInput, mode?: StorqMode): StorqOrder;
  /** Orders of a mode in creation order. */
  orders(mode?: StorqMode): StorqOrder[];
  /** Sets one stock row (added if new) and returns its `stock.updated` event, ready for {@link FakeStorq.deliver}. */
  updateStock(sku: string, quantity: number, mode?: StorqMode): StorqEvent;
  /** Ships an order (tracking number, `shipped_at` now) and returns its `order.shipped` event; throws for an unknown order. */
  shipOrder(orderId: string, trackingNumber: string, mode?: StorqMode): StorqEvent;
  /** POSTs an event to a webhook URL the way storq does, signed with the webhook secret (overridable). */
  deliver(url: string, event: StorqEvent, options?: StorqDeliveryOptions): Promise<StorqDeliveryResult>;
  /** Random faults on every API request from now on (seeded); undefined turns them off. */
  setFaults(faults: StorqFaults | undefined): void;
  /** The next API requests get these replies, in order, before anything changes (e.g. `reply.retryAfter(2)`, `{ fault: 'reset' }`). */
  failNext(...replies: FakeReply[]): void;
  /** The next `count` (default 1) valid `POST /orders` create their order and then never answer, so the client's timeout fires. */
  createThenHang(count?: number): void;
  /** Forgets the request log (data stays). */
  clearRequests(): void;
  /** Stops listening and drops open connections, hung ones included. */
  close(): Promise<void>;
}

function checkKey(name: string, key: string, prefix: string): string {
  if (!key.startsWith(prefix) || key.length < prefix.length + 8) throw new TypeError(`fake storq: ${name} must be ${prefix} followed by at least 8 characters`);
  return key;
}

/**
 * Starts a fake storq.io (real HTTP on 127.0.0.1, a free port; core's `createFakeVendor` with
 * storq's routes, key check, error bodies and paging options) serving the API connectd models
 * (see the connector README): `/stock`, `/products`, `/orders`, `/orders/{id}/status` under
 * `/api/v1`, live and test keys with separate data, cursor and Link-header pagination, storq's
 * error bodies, and no `external_id` dedupe. Tests seed data, inject faults (seeded 429 with
 * Retry-After, 500, resets, slow replies; scripted replies; "create the order, then hang"),
 * deliver signed webhooks and check from storq's side what arrived.
 * @example
 * const storq = await startFakeStorq();
 * storq.setStock([{ sku: 'MUG-1', quantity: 12 }]);
 * storq.setFaults({ rate429: 0.1, retryAfterSeconds: 1, rate500: 0.1, rateReset: 0.05 });
 * // connection: base_url storq.baseUrl, api key storq.liveKey ... run the sync ...
 * await storq.deliver('http://127.0.0.1:8080/webhooks/storq', storq.updateStock('MUG-1', 11));
 * await storq.close();
 */
export async function startFakeStorq(options: FakeStorqOptions = {}): Promise<FakeStorq> {
  const keys = {
    live: checkKey('liveKey', options.liveKey ?? DEFAULT_STORQ_LIVE_KEY, 'fsk_live_'),
    test: checkKey('testKey', options.testKey ?? DEFAULT_STORQ_TEST_KEY, 'fsk_test_'),
  };
  const webhookSecret = options.webhookSecret ?? DEFAULT_STORQ_WEBHOOK_SECRET;
  const seed = options.seed ?? DEFAULT_STORQ_SEED;
  // Separate streams: how many ids were made never changes which requests get faults.
  const state = new StorqState({ now: options.now ?? Date.now, newId: idMaker(seededRandom(seed ^ 0x5f0e1d)) });
  const faults = new FaultPlan(seededRandom(seed));
  const requests: StorqRequestRecord[] = [];
  const hangs = { pendingCreateThenHang: 0 };
  // The plan decides once per request (in `intercept`); the `delayMs` hook and the log read that decision back.
  const decisions = new WeakMap<RecordedRequest, FaultDecision>();

  const vendor = await createFakeVendor({
    intercept(request) {
      const decision = faults.decide();
      decisions.set(request, decision);
      return decision.kind === 'none' ? undefined : decision.reply;
    },
    authorize: (request) => {
      const mode = modeOfKey(keys, request.headers.authorization);
      return typeof mode === 'string' ? true : mode;
    },
    delayMs: (request) => {
      const decision = decisions.get(request);
      return decision?.kind === 'none' ? decision.delayMs : 0;
    },
    notFound: () => storqError('not_found', 'No such route'),
    refusePaging: (problem) => storqError('invalid_request_error', problem.message, { param: problem.param }),
    observe: (exchange) => requests.push(recordOf(exchange, keys, decisions.get(exchange.request))),
  });
  const server = vendor.server;
  const baseUrl = `${server.url}${STORQ_API_PATH}`;
  const context: StorqApiContext = { state, keys, hangs };
  registerStorqApi(vendor, context);

  return {
    url: server.url,
    baseUrl,
    liveKey: keys.live,
    testKey: keys.test,
    webhookSecret,
    server,
    requests,
    setStock: (rows, mode = 'live') => state.setStock(mode, rows),
    stock: (mode = 'live') => state.stock(mode),
    addProduct(input, mode = 'live') {
      const product = state.addProduct(mode, input);
      if (product === 'duplicate') throw new Error(`fake storq: ${mode} mode already has a product with sku ${input.sku}`);
      return product;
    },
    products: (mode = 'live') => state.products(mode),
    addOrder: (input, mode = 'live') => state.addOrder(mode, input),
    orders: (mode = 'live') => state.orders(mode),
    updateStock: (sku, quantity, mode = 'live') => stockUpdatedEvent(state.newId('evt'), state.timestamp(), state.setStockRow(mode, sku, quantity)),
    shipOrder(orderId, trackingNumber, mode = 'live') {
      const order = state.shipOrder(mode, orderId, trackingNumber);
      if (order === undefined) throw new Error(`fake storq: ${mode} mode has no order ${orderId}`);
      return orderShippedEvent(state.newId('evt'), state.timestamp(), order);
    },
    deliver: (url, event, deliveryOptions) => deliverStorqEvent(url, event, webhookSecret, deliveryOptions),
    setFaults: (next) => faults.set(next),
    failNext: (...replies) => void vendor.fail('*', replies),
    createThenHang(count = 1) {
      if (!(Number.isInteger(count) && count >= 1)) throw new RangeError('fake storq: createThenHang count is a positive integer');
      hangs.pendingCreateThenHang += count;
    },
    clearRequests: () => void requests.splice(0),
    close: () => server.close(),
  };
}

/** The log entry of one exchange: the endpoint served (without the API prefix), the key's mode, the fault that answered. */
function recordOf(exchange: VendorExchange, keys: Readonly<Record<StorqMode, string>>, decision: FaultDecision | undefined): StorqRequestRecord {
  const { request, reply, stage } = exchange;
  const status = 'fault' in reply ? reply.fault : (reply.status ?? 200);
  const served = stage === 'route' && exchange.route !== null && !exchange.route.endsWith('/*');
  const route = served ? exchange.route!.replace(` ${STORQ_API_PATH}`, ' ') : null;
  const mode = stage === 'route' ? (modeOfKey(keys, request.headers.authorization) as StorqMode) : null;
  let fault: StorqFaultKind | null = null;
  if (stage === 'fault') fault = 'scripted';
  else if (stage === 'intercept' && decision !== undefined && decision.kind !== 'none') fault = decision.kind;
  else if (route === 'POST /orders' && status === 'hang') fault = 'create_then_hang';
  return { method: request.method, path: request.path, query: Object.fromEntries(request.query), route, mode, status, fault, request };
}
