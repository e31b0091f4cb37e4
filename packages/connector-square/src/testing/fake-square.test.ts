import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SQUARE_MERCHANT_ID, DEFAULT_SQUARE_VERSION, startFakeSquare, type FakeSquare, type FakeSquareOptions } from './index.js';

const started: FakeSquare[] = [];
async function start(options: FakeSquareOptions = {}): Promise<FakeSquare> {
  const square = await startFakeSquare(options);
  started.push(square);
  return square;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((square) => square.close()));
});

interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

async function call(square: FakeSquare, path: string, options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? square.issueTokens().access_token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${square.url}${path}`, { method: options.body === undefined ? 'GET' : 'POST', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
}

describe('fake square basics', () => {
  it('starts on loopback with Square-shaped application credentials and one seller with a main location', async () => {
    const square = await start();
    expect(square.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(square.applicationId).toMatch(/^sq0idp-[A-Za-z0-9_-]{22}$/);
    expect(square.applicationSecret).toMatch(/^sq0csp-[A-Za-z0-9_-]{43}$/);
    expect(square.merchants().map((m) => m.id)).toEqual([DEFAULT_SQUARE_MERCHANT_ID]);
    expect(square.merchant().merchant()).toMatchObject({ id: 'MLQW2MYBY81PZ', currency: 'USD', main_location_id: expect.stringMatching(/^[A-Z0-9]{13}$/) });
    const other = square.addMerchant({ businessName: 'Other Shop', currency: 'CAD' });
    expect(other.id).toMatch(/^[A-Z0-9]{13}$/);
    expect(other.locations()).toHaveLength(1);
    expect(() => square.merchant('NOPE')).toThrow();
  });

  it('echoes the Square-Version sent, else answers the pinned default, and refuses a malformed one with INVALID_SQUARE_VERSION_FORMAT', async () => {
    const square = await start();
    expect((await call(square, '/v2/locations', { headers: { 'square-version': '2026-05-20' } })).headers.get('square-version')).toBe('2026-05-20');
    expect((await call(square, '/v2/locations')).headers.get('square-version')).toBe(DEFAULT_SQUARE_VERSION);
    const bad = await call(square, '/v2/locations', { headers: { 'square-version': 'latest' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('square-version')).toBe('latest');
    expect(bad.json).toEqual({ errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_SQUARE_VERSION_FORMAT', detail: expect.any(String), field: 'Square-Version' }] });
  });

  it('refuses /v2 without a token or with an unknown, expired or revoked one with Square-shaped 401s', async () => {
    let now = Date.parse('2025-03-01T12:00:00Z');
    const square = await start({ now: () => now, accessTokenTtlMs: 60_000 });
    const token = square.issueTokens().access_token;
    const codeOf = async (t: string | null): Promise<[number, string]> => {
      const answer = await call(square, '/v2/locations', { token: t });
      expect(answer.json.errors).toEqual([{ category: 'AUTHENTICATION_ERROR', code: expect.any(String), detail: expect.any(String) }]);
      return [answer.status, answer.json.errors[0].code];
    };
    expect(await codeOf(null)).toEqual([401, 'UNAUTHORIZED']);
    expect(await codeOf('EAAAnot-a-token')).toEqual([401, 'UNAUTHORIZED']);
    expect((await call(square, '/v2/locations', { token })).status).toBe(200);
    now += 60_000;
    expect(await codeOf(token)).toEqual([401, 'ACCESS_TOKEN_EXPIRED']);
    const fresh = square.issueTokens().access_token;
    square.merchant().revokeAuthorization();
    expect(await codeOf(fresh)).toEqual([401, 'ACCESS_TOKEN_REVOKED']);
  });

  it('refuses an endpoint whose permission the token lacks with 403 INSUFFICIENT_SCOPES', async () => {
    const square = await start();
    const token = square.issueTokens({ scopes: ['MERCHANT_PROFILE_READ'] }).access_token;
    expect((await call(square, '/v2/locations', { token })).status).toBe(200);
    const refused = await call(square, '/v2/catalog/list', { token });
    expect(refused.status).toBe(403);
    expect(refused.json.errors[0]).toMatchObject({ category: 'AUTHENTICATION_ERROR', code: 'INSUFFICIENT_SCOPES' });
  });

  it("lists the token's seller's locations sorted by name, in one unpaginated answer", async () => {
    const square = await start();
    const shop = square.merchant();
    shop.addLocation({ name: 'Grant Park' });
    shop.addLocation({ name: 'Atlanta', status: 'INACTIVE' });
    square.addMerchant().addLocation({ name: 'Elsewhere' });
    const answer = await call(square, '/v2/locations');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json)).toEqual(['locations']);
    expect(answer.json.locations.map((l: { name: string }) => l.name)).toEqual(['Atlanta', 'Grant Park', 'Main']);
    expect(answer.json.locations[0]).toMatchObject({ merchant_id: shop.id, status: 'INACTIVE', currency: 'USD', timezone: 'America/Los_Angeles', capabilities: ['CREDIT_CARD_PROCESSING'] });
    expect(answer.json.locations).toEqual(shop.locations());
  });

  it("retrieves an order by id, and answers 404 NOT_FOUND for an unknown one or another seller's", async () => {
    const square = await start();
    const shop = square.merchant();
    shop.seed({ items: 2, orders: 3 });
    const [order] = shop.orders();
    const found = await call(square, `/v2/orders/${order!.id}`);
    expect(found.json).toEqual({ order });
    const other = square.addMerchant();
    const missing = await call(square, `/v2/orders/${order!.id}`, { token: square.issueTokens({ merchantId: other.id }).access_token });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Could not find order with id: ${order!.id}` }] });
  });

  it('answers unknown paths and methods with a Square 404', async () => {
    const square = await start();
    for (const path of ['/v2/customers', '/v1/items', '/']) {
      const answer = await call(square, path);
      expect(answer.status, path).toBe(404);
      expect(answer.json.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' });
    }
    expect((await call(square, '/v2/locations', { body: {} })).status).toBe(404);
  });

  it('records each request with its route, seller, parsed body, status and fault', async () => {
    const square = await start();
    await call(square, '/v2/locations?x=1');
    await call(square, '/v2/orders/search', { body: { location_ids: [] } });
    await call(square, '/v2/payments', { token: null });
    expect(square.requests.map(({ method, path, query, body, route, merchantId, status, fault }) => ({ method, path, query, body, route, merchantId, status, fault }))).toEqual([
      { method: 'GET', path: '/v2/locations', query: { x: '1' }, body: undefined, route: 'GET /v2/locations', merchantId: 'MLQW2MYBY81PZ', status: 200, fault: null },
      { method: 'POST', path: '/v2/orders/search', query: {}, body: { location_ids: [] }, route: 'POST /v2/orders/search', merchantId: 'MLQW2MYBY81PZ', status: 400, fault: null },
      { method: 'GET', path: '/v2/payments', query: {}, body: undefined, route: null, merchantId: null, status: 401, fault: null },
    ]);
    square.clearRequests();
    expect(square.requests).toEqual([]);
  });
});
