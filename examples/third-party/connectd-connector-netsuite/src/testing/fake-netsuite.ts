/**
 * A fake NetSuite on 127.0.0.1 for the plugin's tests and connectd's end-to-end test: SuiteQL
 * (`POST /services/rest/query/v1/suiteql`, limit/offset paging with `hasMore`) over sample data,
 * every request's TBA signature checked independently (bad signature, stale timestamp, reused
 * nonce → 401 with NetSuite's error body), and the OAuth 2.0 client-credentials token endpoint.
 * Built on core's `createFakeVendor`: its offset paging serves the rows, its `authorize` hook
 * checks credentials, and `fail()` scripts faults (429, 5xx, resets) for tests that want them.
 */
import { createFakeVendor, reply, type FakeReply, type RecordedRequest, type FakeVendor, type VendorPage } from '@connectd/core/testing';
import { sampleNetsuiteData, tableOf, type FakeNetsuiteData, type SuiteqlRow } from './fake-netsuite-data.js';
import { FakeTbaVerifier, type FakeTbaCredentials } from './fake-tba-verifier.js';
import { FakeTokenEndpoint, FAKE_ACCESS_TOKEN_SECONDS, type FakeClientMapping } from './fake-token-endpoint.js';

export { sampleNetsuiteData, type FakeNetsuiteData, type SuiteqlRow } from './fake-netsuite-data.js';
export { parseOAuthHeader, type FakeTbaCredentials, type TbaRejectReason } from './fake-tba-verifier.js';
export type { FakeClientMapping } from './fake-token-endpoint.js';

export const FAKE_SUITEQL_PATH = '/services/rest/query/v1/suiteql';
export const FAKE_TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
const SUITEQL_MAX_LIMIT = 1000;

/** TBA credentials the fake accepts unless told others; not secrets of any real account. */
export const FAKE_TBA_CREDENTIALS: FakeTbaCredentials = {
  account: '1234567_SB1',
  consumerKey: 'fake-consumer-key-6f1e',
  consumerSecret: 'fake-consumer-secret-93ab',
  tokenId: 'fake-token-id-2c7d',
  tokenSecret: 'fake-token-secret-e58a',
};

/** How the fake judged one request's credentials. */
export interface AuthCheck {
  readonly path: string;
  readonly scheme: 'tba' | 'bearer' | 'none';
  readonly ok: boolean;
  readonly reason?: string;
}

export interface FakeNetsuiteOptions {
  readonly data?: FakeNetsuiteData;
  readonly tba?: FakeTbaCredentials;
  /** Enables the token endpoint and bearer tokens. */
  readonly clientCredentials?: FakeClientMapping;
  /** The fake's clock in ms (timestamps and assertion expiry are checked against it). */
  readonly now?: () => number;
}

export interface FakeNetsuite {
  readonly url: string;
  /** Scripted faults on a path, before authorization (e.g. `fail(FAKE_SUITEQL_PATH, [{ status: 429, retryAfter: 1 }])`). */
  fail: FakeVendor['fail'];
  readonly data: FakeNetsuiteData;
  readonly requests: readonly RecordedRequest[];
  /** One entry per API or token request, in order. */
  readonly authChecks: readonly AuthCheck[];
  close(): Promise<void>;
}

/** NetSuite's error body (status, o:errorDetails with detail and o:errorCode). */
function nsError(status: number, title: string, code: string, detail: string): FakeReply {
  return reply.json({ type: `https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.${status - 399}`, title, status, 'o:errorDetails': [{ detail, 'o:errorCode': code }] }, status);
}

const unauthorized = (): FakeReply => nsError(401, 'Unauthorized', 'INVALID_LOGIN', 'Invalid login attempt.');
const badRequest = (detail: string): FakeReply => nsError(400, 'Bad Request', 'INVALID_PARAMETER', detail);

/** The SuiteQL statement of a request, or undefined when the body is not `{"q": "…"}`. */
function queryOf(request: RecordedRequest): string | undefined {
  try {
    const q = request.json<{ q?: unknown }>().q;
    return typeof q === 'string' ? q : undefined;
  } catch {
    return undefined;
  }
}

/** What the vendor builder's offset paging does not check: NetSuite's header, grid and query rules. */
function refuseSuiteql(request: RecordedRequest): FakeReply | undefined {
  if (request.path !== FAKE_SUITEQL_PATH) return undefined;
  if (request.headers['prefer'] !== 'transient') return badRequest('The Prefer header must be "transient" for SuiteQL.');
  const limit = Number(request.query.get('limit') ?? SUITEQL_MAX_LIMIT);
  const offset = Number(request.query.get('offset') ?? 0);
  if (Number.isInteger(limit) && limit >= 1 && Number.isInteger(offset) && offset % limit !== 0) return badRequest('offset must be a multiple of limit.');
  const q = queryOf(request);
  return q === undefined || tableOf(q) === undefined ? badRequest('The fake answers only the netsuite/default queries.') : undefined;
}

/** A SuiteQL answer: rows with their (empty) links, and NetSuite's paging fields. */
function suiteqlBody(url: string, page: VendorPage<SuiteqlRow>): unknown {
  const at = (o: number): string => `${url}${FAKE_SUITEQL_PATH}?limit=${page.limit}&offset=${o}`;
  const links = [{ rel: 'self', href: at(page.offset) }, ...(page.hasMore ? [{ rel: 'next', href: at(page.offset + page.limit) }] : [])];
  const items = page.items.map((row) => ({ links: [], ...row }));
  return { links, count: items.length, hasMore: page.hasMore, items, offset: page.offset, totalResults: page.total };
}

/**
 * Starts the fake. With `clientCredentials`, bearer tokens from its token endpoint are accepted
 * besides TBA.
 * @example
 * const ns = await startFakeNetsuite({ data: sampleNetsuiteData({ locations: 2, items: 30, orders: 5 }) });
 * // connectors.yaml: base_url: ${ns.url}, auth: { account: 1234567_SB1, … FAKE_TBA_CREDENTIALS … }
 * await ns.close();
 */
export async function startFakeNetsuite(options: FakeNetsuiteOptions = {}): Promise<FakeNetsuite> {
  const now = options.now ?? Date.now;
  const data = options.data ?? sampleNetsuiteData({ locations: 3, items: 12, orders: 4 });
  const tba = new FakeTbaVerifier(options.tba ?? FAKE_TBA_CREDENTIALS, now);
  const tokens = options.clientCredentials === undefined ? undefined : new FakeTokenEndpoint(options.clientCredentials, now);
  const authChecks: AuthCheck[] = [];

  const check = (request: RecordedRequest, url: string): AuthCheck => {
    const header = request.headers['authorization'];
    if (header?.startsWith('Bearer ') === true && tokens !== undefined) {
      const ok = tokens.issued.has(header.slice('Bearer '.length));
      return { path: request.path, scheme: 'bearer', ok, ...(ok ? {} : { reason: 'unknown_token' }) };
    }
    const verdict = tba.verify({ method: request.method, origin: url, url: request.url, authorization: header });
    return { path: request.path, scheme: header === undefined ? 'none' : 'tba', ok: verdict.ok, ...(verdict.ok ? {} : { reason: verdict.reason }) };
  };

  const vendor: FakeVendor = await createFakeVendor({
    // After the credentials, as NetSuite does: an unsigned malformed query is a 401, not a 400.
    validate: refuseSuiteql,
    refusePaging: (problem) => badRequest(problem.message),
    authorize: (request) => {
      const verdict = check(request, vendor.url);
      authChecks.push(verdict);
      return verdict.ok || unauthorized();
    },
  });
  vendor.records(FAKE_SUITEQL_PATH, (request) => data[tableOf(queryOf(request) ?? '')!], {
    method: 'POST',
    paging: 'offset',
    pageSize: SUITEQL_MAX_LIMIT,
    maxPageSize: SUITEQL_MAX_LIMIT,
    overMaxPageSize: 'refuse',
    body: (page) => suiteqlBody(vendor.url, page),
  });
  // The token endpoint authenticates by its assertion, not by a header.
  vendor.route('POST', FAKE_TOKEN_PATH, (request) => {
    if (tokens === undefined) return reply.json({ error: 'unauthorized_client' }, 400);
    const verdict = tokens.exchange(new URLSearchParams(request.text()), `${vendor.url}${FAKE_TOKEN_PATH}`);
    authChecks.push({ path: request.path, scheme: 'none', ok: verdict.ok, ...(verdict.ok ? {} : { reason: verdict.reason }) });
    return verdict.ok
      ? reply.json({ access_token: verdict.token, expires_in: String(FAKE_ACCESS_TOKEN_SECONDS), token_type: 'bearer' })
      : reply.json({ error: 'invalid_grant' }, 400);
  }, { authorize: false });

  return { url: vendor.url, data, requests: vendor.requests, authChecks, fail: (...args) => vendor.fail(...args), close: () => vendor.close() };
}
