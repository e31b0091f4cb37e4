import type { FakeHttpServer, FakeReply, RecordedRequest } from './core-test-kit.js';
import { CursorBook } from './cursors.js';
import { DEFAULT_SQUARE_VERSION, type SquareApiContext } from './fake-square-api.js';
import { startSquareVendor } from './fake-square-vendor.js';
import { merchantHandle, type FakeSquareMerchant } from './fake-square-merchant.js';
import { FaultPlan, type SquareFaultKind, type SquareFaults } from './faults.js';
import { MerchantState, type SquareMerchantInput } from './merchant-state.js';
import { SQUARE_READ_SCOPES, type OAuthContext } from './oauth-app.js';
import { DEFAULT_SQUARE_ACCESS_TOKEN_TTL_MS, OAuthLedger, type SquareIssuedToken, type SquareOAuthFlow, type SquareTokenResponse } from './oauth-ledger.js';
import type { SquareRevocation } from './oauth-revoke.js';
import { mixSeed, seededRandom } from './random.js';
import {
  DEFAULT_SQUARE_APPLICATION_ID,
  DEFAULT_SQUARE_APPLICATION_SECRET,
  DEFAULT_SQUARE_MERCHANT_ID,
  DEFAULT_SQUARE_SIGNATURE_KEY,
  squareIds,
} from './square-ids.js';
import type { SquareEvent } from './types.js';
import { deliverSquareEvent, type SquareDeliveryOptions, type SquareDeliveryResult } from './webhooks.js';

/** Seed of the fake's faults, ids and seeded data when none is given. */
export const DEFAULT_SQUARE_SEED = 1;

export interface FakeSquareOptions {
  /** Default {@link DEFAULT_SQUARE_APPLICATION_ID}. */
  readonly applicationId?: string;
  /** Default {@link DEFAULT_SQUARE_APPLICATION_SECRET}. */
  readonly applicationSecret?: string;
  /** The redirect URL registered for the application; without one, authorize takes the request's `redirect_uri`. */
  readonly redirectUri?: string;
  /** The webhook subscription's signature key {@link FakeSquare.deliver} signs with. Default {@link DEFAULT_SQUARE_SIGNATURE_KEY}. */
  readonly signatureKey?: string;
  /** The sellers to start with, each with a main location. Default one, `MLQW2MYBY81PZ`. */
  readonly merchants?: readonly SquareMerchantInput[];
  /** Seeds faults, ids and seeded data, so runs are reproducible. Default {@link DEFAULT_SQUARE_SEED}. */
  readonly seed?: number;
  /** Square's clock in epoch ms: timestamps, code, token and cursor expiry. Default `Date.now`. */
  readonly now?: () => number;
  /** Access token lifetime. Default 30 days ({@link DEFAULT_SQUARE_ACCESS_TOKEN_TTL_MS}); short for expiry tests. */
  readonly accessTokenTtlMs?: number;
  /** Cursor lifetime. Default {@link DEFAULT_SQUARE_CURSOR_TTL_MS}. */
  readonly cursorTtlMs?: number;
  /** `Square-Version` answered when a request sends none. Default {@link DEFAULT_SQUARE_VERSION}. */
  readonly squareVersion?: string;
}

/** One request that reached the fake, and what it answered. */
export interface SquareRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The body parsed as JSON; undefined without a body or when it is not JSON. */
  readonly body: unknown;
  /** The endpoint served, e.g. `POST /v2/orders/search`; null when refused before routing or unknown. */
  readonly route: string | null;
  readonly merchantId: string | null;
  /** HTTP status answered, or `reset` when the connection was dropped. */
  readonly status: number | 'reset' | 'hang';
  /** The injected fault that answered or preceded the request, if any. */
  readonly fault: SquareFaultKind | null;
  readonly request: RecordedRequest;
}

/** Fault controls of a fake Square. */
export interface FakeSquareFaults {
  /** Random faults on every `/v2` request from now on (seeded); undefined turns them off. */
  set(faults: SquareFaults | undefined): void;
  /** The next `/v2` requests get these replies, in order, before anything else (e.g. `{ fault: 'reset' }`); core's fake-vendor fault queue. */
  failNext(...replies: FakeReply[]): void;
  /** Every cursor handed out so far stops working (INVALID_CURSOR); returns how many. */
  expireCursors(): number;
  setCursorTtlMs(ms: number): void;
}

/** A fake Square (connect.squareup.com) on 127.0.0.1; see {@link startFakeSquare}. */
export interface FakeSquare {
  /** `http://127.0.0.1:<port>`: the base URL, in place of `https://connect.squareup.com`. */
  readonly url: string;
  /** `${url}/oauth2/authorize`, `${url}/oauth2/token`, `${url}/oauth2/revoke`. */
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly revokeUrl: string;
  readonly applicationId: string;
  readonly applicationSecret: string;
  readonly signatureKey: string;
  /** The registered redirect URL; settable. */
  redirectUri: string | undefined;
  readonly server: FakeHttpServer;
  /** Every request, in order of arrival. */
  readonly requests: readonly SquareRequestRecord[];
  /** Every revocation, through RevokeToken or a seller. */
  readonly revocations: readonly SquareRevocation[];
  readonly faults: FakeSquareFaults;
  /** A seller by id; default the first. Throws for an unknown id. */
  merchant(merchantId?: string): FakeSquareMerchant;
  merchants(): FakeSquareMerchant[];
  /** Adds a seller with a main location. */
  addMerchant(input?: SquareMerchantInput & { readonly mainLocationName?: string }): FakeSquareMerchant;
  /** The seller who approves authorizations from now on (default the first). */
  authorizeAs(merchantId: string): void;
  /** The next `count` (default 1) authorizations are denied: redirect with `error=access_denied`. */
  denyAuthorizations(count?: number): void;
  /** Plays the browser: GETs an authorize URL without following the redirect and resolves its Location; rejects on anything but 302. */
  visitAuthorizeUrl(authorizeUrl: string): Promise<string>;
  /** Issues tokens as a completed authorization would, without HTTP. Default: first seller, code flow, every read scope the fake serves. */
  issueTokens(options?: { readonly merchantId?: string; readonly scopes?: readonly string[]; readonly flow?: SquareOAuthFlow; readonly shortLived?: boolean }): SquareTokenResponse;
  /** Every access token issued for a seller (default the first). */
  tokensOf(merchantId?: string): SquareIssuedToken[];
  /** Lifetime of access tokens issued from now on. */
  setAccessTokenTtlMs(ms: number): void;
  /** POSTs an event signed with the fake's signature key (overridable), as {@link deliverSquareEvent} does. */
  deliver(event: SquareEvent | string, options: Omit<SquareDeliveryOptions, 'event' | 'signatureKey'> & { readonly signatureKey?: string }): Promise<SquareDeliveryResult>;
  /** Forgets the request log (data stays). */
  clearRequests(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** The fake's state and the pieces built on it, before the HTTP server. */
interface Core {
  readonly handles: Map<string, FakeSquareMerchant>;
  readonly addMerchant: FakeSquare['addMerchant'];
  readonly ledger: OAuthLedger;
  readonly cursors: CursorBook;
  readonly faults: FaultPlan;
  readonly revocations: SquareRevocation[];
  readonly merchantStates: Map<string, MerchantState>;
  readonly now: () => number;
}

function createCore(options: FakeSquareOptions): Core {
  const seed = options.seed ?? DEFAULT_SQUARE_SEED;
  const now = options.now ?? Date.now;
  // Separate streams: how many ids were made never changes which requests meet faults.
  const context = { now, ids: squareIds(seededRandom(mixSeed(seed, 0x5109))) };
  const ledger = new OAuthLedger({ now, ids: context.ids, accessTokenTtlMs: options.accessTokenTtlMs ?? DEFAULT_SQUARE_ACCESS_TOKEN_TTL_MS });
  const cursors = new CursorBook({ now, newCursor: context.ids.cursor, ...(options.cursorTtlMs === undefined ? {} : { ttlMs: options.cursorTtlMs }) });
  const revocations: SquareRevocation[] = [];
  const merchantStates = new Map<string, MerchantState>();
  const handles = new Map<string, FakeSquareMerchant>();
  const addMerchant: FakeSquare['addMerchant'] = (input = {}) => {
    const index = merchantStates.size;
    const state = new MerchantState(context, { ...input, id: input.id ?? (index === 0 ? DEFAULT_SQUARE_MERCHANT_ID : undefined) });
    if (merchantStates.has(state.id)) throw new Error(`fake square: merchant ${state.id} already exists`);
    state.addLocation({ name: input.mainLocationName ?? 'Main' });
    merchantStates.set(state.id, state);
    let seedings = 0;
    const seedRandom = (own: number | undefined): (() => number) => seededRandom(own ?? mixSeed(seed, index + 1, ++seedings));
    const handle = merchantHandle({ state, context, ledger, recordRevocation: (r) => revocations.push(r), seedRandom });
    handles.set(state.id, handle);
    return handle;
  };
  for (const merchant of options.merchants ?? [{}]) addMerchant(merchant);
  return { handles, addMerchant, ledger, cursors, faults: new FaultPlan(seededRandom(seed)), revocations, merchantStates, now };
}

/** Who approves the next authorization: a seller, or a denial while `denials` lasts. */
class Consent {
  merchantId: string;
  #denials = 0;

  constructor(merchantId: string) {
    this.merchantId = merchantId;
  }

  deny(count: number): void {
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError('fake square: denyAuthorizations count is a positive integer');
    this.#denials += count;
  }

  next(): { readonly merchantId: string } | 'deny' {
    if (this.#denials === 0) return { merchantId: this.merchantId };
    this.#denials -= 1;
    return 'deny';
  }
}

async function visitAuthorizeUrl(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  await response.arrayBuffer();
  if (response.status !== 302 || location === null) throw new Error(`fake square: authorize answered ${response.status}, not a redirect`);
  return location;
}

/**
 * Starts a fake Square (real HTTP on 127.0.0.1, a free port; core's `createFakeVendor` with
 * Square's routes, token check, error bodies and faults) serving what connectd's Square connector
 * uses: OAuth (authorize, token with the code and PKCE flows, revoke) and, under `/v2`,
 * ListLocations, ListCatalog, SearchCatalogObjects, BatchRetrieveInventoryCounts, SearchOrders,
 * RetrieveOrder and ListPayments — with Square's error bodies, cursors (in the query or the body,
 * expiring, bound to their query), `Square-Version` echo, token expiry and revocation, scopes.
 * Tests seed sellers' data, change it (getting the webhook event for each change), inject faults
 * (seeded 429 without Retry-After, 500, 503, resets, slow replies, cursor expiry; scripted
 * replies) and deliver signed webhooks.
 * @example
 * const square = await startFakeSquare({ redirectUri: 'http://127.0.0.1:8080/oauth/square/callback' });
 * const shop = square.merchant();
 * shop.seed({ locations: 2, items: 150, orders: 40, payments: 20 });
 * square.faults.set({ rate429: 0.05, rate500: 0.02 });
 * // connection: base_url square.url, client id square.applicationId, secret square.applicationSecret
 * const { event } = shop.updateCount(shop.variations()[0]!.id, shop.locations()[0]!.id, 3);
 * await square.deliver(event, { url: 'http://127.0.0.1:8080/webhooks/square' });
 * await square.close();
 */
export async function startFakeSquare(options: FakeSquareOptions = {}): Promise<FakeSquare> {
  const core = createCore(options);
  const { ledger, handles, now } = core;
  const firstMerchantId = [...handles.keys()][0]!;
  const merchant = (id: string = firstMerchantId): FakeSquareMerchant => {
    const handle = handles.get(id);
    if (handle === undefined) throw new Error(`fake square: no merchant ${id}`);
    return handle;
  };
  const consent = new Consent(firstMerchantId);
  let redirectUri = options.redirectUri;
  const oauth: OAuthContext = {
    applicationId: options.applicationId ?? DEFAULT_SQUARE_APPLICATION_ID,
    applicationSecret: options.applicationSecret ?? DEFAULT_SQUARE_APPLICATION_SECRET,
    redirectUri: () => redirectUri,
    ledger,
    consent: () => consent.next(),
    merchantExists: (id) => handles.has(id),
  };
  const squareVersion = options.squareVersion ?? DEFAULT_SQUARE_VERSION;
  const { cursors, faults, revocations } = core;
  const api: SquareApiContext = { oauth, cursors, merchant: (id) => core.merchantStates.get(id), now, squareVersion, recordRevocation: (r) => revocations.push(r) };
  const requests: SquareRequestRecord[] = [];
  const vendor = await startSquareVendor({ api, faults, requests });
  const server = vendor.server;
  const signatureKey = options.signatureKey ?? DEFAULT_SQUARE_SIGNATURE_KEY;

  return {
    url: server.url,
    authorizeUrl: `${server.url}/oauth2/authorize`,
    tokenUrl: `${server.url}/oauth2/token`,
    revokeUrl: `${server.url}/oauth2/revoke`,
    applicationId: oauth.applicationId,
    applicationSecret: oauth.applicationSecret,
    signatureKey,
    get redirectUri() {
      return redirectUri;
    },
    set redirectUri(value) {
      redirectUri = value;
    },
    server,
    requests,
    revocations,
    faults: {
      set: (next) => faults.set(next),
      failNext: (...replies) => void vendor.fail('/v2/*', replies),
      expireCursors: () => cursors.expireAll(),
      setCursorTtlMs: (ms) => cursors.setTtlMs(ms),
    },
    merchant,
    merchants: () => [...handles.values()],
    addMerchant: core.addMerchant,
    authorizeAs: (merchantId) => void (consent.merchantId = merchant(merchantId).id),
    denyAuthorizations: (count = 1) => consent.deny(count),
    visitAuthorizeUrl,
    issueTokens(tokenOptions = {}) {
      const grant = ledger.openGrant(merchant(tokenOptions.merchantId).id, tokenOptions.flow ?? 'code', tokenOptions.scopes ?? SQUARE_READ_SCOPES);
      return ledger.issue(grant, { grantType: 'direct', shortLived: tokenOptions.shortLived ?? false });
    },
    tokensOf: (merchantId) => ledger.tokensOf(merchant(merchantId).id),
    setAccessTokenTtlMs: (ms) => ledger.setAccessTokenTtlMs(ms),
    deliver: (event, delivery) =>
      deliverSquareEvent({ ...delivery, signatureKey: delivery.signatureKey ?? signatureKey, event, initialDeliveryAt: delivery.initialDeliveryAt ?? new Date(now()).toISOString() }),
    clearRequests: () => void requests.splice(0),
    close: () => server.close(),
  };
}
