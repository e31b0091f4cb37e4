import { afterEach, describe, expect, it } from 'vitest';
import { FaultPlan } from './faults.js';
import { DEFAULT_SQUARE_VERSION, startFakeSquare, type FakeSquare, type SquareCatalogObject } from './index.js';
import { seededRandom } from './random.js';

const started: FakeSquare[] = [];
async function start(seed?: number): Promise<{ square: FakeSquare; token: string }> {
  const square = await startFakeSquare(seed === undefined ? {} : { seed });
  square.merchant().seed({ items: 250 });
  started.push(square);
  return { square, token: square.issueTokens().access_token };
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((square) => square.close()));
});

/** One GET; 'reset' when the connection dropped without an answer. */
async function get(square: FakeSquare, token: string, path = '/v2/locations'): Promise<{ status: number | 'reset'; headers?: Headers; json?: any }> {
  try {
    const response = await fetch(`${square.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, headers: response.headers, json: await response.json() };
  } catch {
    return { status: 'reset' };
  }
}

describe('fake square faults', () => {
  it('answers 429 RATE_LIMIT_ERROR/RATE_LIMITED without Retry-After when rate429 is 1, before the token check, and leaves OAuth alone', async () => {
    const { square, token } = await start();
    square.faults.set({ rate429: 1 });
    for (const bearer of [token, 'not-a-token']) {
      const answer = await get(square, bearer);
      expect(answer.status).toBe(429);
      expect(answer.headers?.get('retry-after')).toBeNull();
      expect(answer.headers?.get('x-ratelimit-reset')).toBeNull();
      expect(answer.json).toEqual({ errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED', detail: expect.any(String) }] });
    }
    const oauth = await fetch(square.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(oauth.status).toBe(401);
    expect(square.requests.map((r) => r.fault)).toEqual(['rate_limited', 'rate_limited', null]);
    square.faults.set(undefined);
    expect((await get(square, token)).status).toBe(200);
  });

  it('injects 429s, 500s, 503s and resets in a seeded mixed run of 400 requests, serving the rest', async () => {
    const { square, token } = await start(11);
    square.faults.set({ rate429: 0.1, rate500: 0.05, rate503: 0.05, rateReset: 0.05 });
    const outcomes: Array<number | 'reset'> = [];
    for (let i = 0; i < 400; i++) outcomes.push((await get(square, token)).status);
    const count = (value: number | 'reset'): number => outcomes.filter((o) => o === value).length;
    expect(count(429)).toBeGreaterThan(20);
    expect(count(500)).toBeGreaterThan(5);
    expect(count(503)).toBeGreaterThan(5);
    expect(count('reset')).toBeGreaterThan(5);
    expect(count(200)).toBeGreaterThan(250);
    expect(count(200) + count(429) + count(500) + count(503) + count('reset')).toBe(400);
    const kinds = new Map(square.requests.map((r) => [r.fault, r.status]));
    expect(kinds).toEqual(new Map<string | null, number | string>([[null, 200], ['rate_limited', 429], ['internal_error', 500], ['unavailable', 503], ['reset', 'reset']]));
    expect(square.requests.find((r) => r.status === 500)?.request).toBeDefined();
  });

  it('injects the same faults in the same order for the same seed', async () => {
    const run = async (seed: number): Promise<Array<number | 'reset'>> => {
      const { square, token } = await start(seed);
      square.faults.set({ rate429: 0.2, rate500: 0.1, rate503: 0.1, rateReset: 0.1 });
      const outcomes: Array<number | 'reset'> = [];
      for (let i = 0; i < 40; i++) outcomes.push((await get(square, token)).status);
      return outcomes;
    };
    const first = await run(5);
    expect(await run(5)).toEqual(first);
    expect(await run(6)).not.toEqual(first);
  });

  it('lets a retrying client walk the whole catalog through 429s, 5xx and resets, each object once', async () => {
    const { square, token } = await start(3);
    square.faults.set({ rate429: 0.2, rate500: 0.1, rate503: 0.1, rateReset: 0.1 });
    const seen: SquareCatalogObject[] = [];
    let cursor: string | undefined;
    let attempts = 0;
    do {
      const answer = await get(square, token, `/v2/catalog/list?types=ITEM${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      attempts += 1;
      if (answer.status !== 200) continue; // the same page again, with the same cursor
      seen.push(...answer.json.objects);
      cursor = answer.json.cursor;
    } while (cursor !== undefined || seen.length === 0);
    expect(seen.map((o) => o.id)).toEqual(square.merchant().items().map((o) => o.id));
    expect(attempts).toBeGreaterThan(3);
  });

  it('expires every cursor at rateCursorExpiry, so a walk in progress meets INVALID_CURSOR', async () => {
    const { square, token } = await start();
    const first = await get(square, token, '/v2/catalog/list?types=ITEM');
    square.faults.set({ rateCursorExpiry: 1 });
    const next = await get(square, token, `/v2/catalog/list?types=ITEM&cursor=${encodeURIComponent(first.json.cursor)}`);
    expect(next.status).toBe(400);
    expect(next.json.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_CURSOR' });
    expect(square.requests.at(-1)).toMatchObject({ fault: 'cursors_expired', status: 400, route: 'GET /v2/catalog/list' });
  });

  it('serves scripted replies first, in order, then resumes', async () => {
    const { square, token } = await start();
    square.faults.failNext({ status: 503, json: { errors: [{ category: 'API_ERROR', code: 'SERVICE_UNAVAILABLE' }] } }, { fault: 'reset' });
    expect((await get(square, token)).status).toBe(503);
    expect((await get(square, token)).status).toBe('reset');
    expect((await get(square, token)).status).toBe(200);
    expect(square.requests.map((r) => r.fault)).toEqual(['scripted', 'scripted', null]);
  });

  it('keeps scripted replies for /v2: OAuth and unknown paths pass, a bodiless reply stays bodiless, Square-Version is echoed', async () => {
    const { square, token } = await start();
    square.faults.failNext({ status: 500 });
    const oauth = await fetch(square.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(oauth.status).toBe(401);
    expect((await fetch(`${square.url}/v1/items`)).status).toBe(404);
    const faulted = await fetch(`${square.url}/v2/nothing-here`, { headers: { authorization: `Bearer ${token}` } });
    expect([faulted.status, await faulted.text(), faulted.headers.get('square-version')]).toEqual([500, '', DEFAULT_SQUARE_VERSION]);
    expect(square.requests.map((r) => [r.route, r.fault])).toEqual([['POST /oauth2/token', null], [null, null], [null, 'scripted']]);
  });

  it('still answers correctly when replies are slowed down', async () => {
    const { square, token } = await start();
    square.faults.set({ slowMs: 20 });
    expect((await get(square, token)).status).toBe(200);
  });

  it('refuses rates outside 0..1 or exclusive rates summing past 1', async () => {
    const { square } = await start();
    expect(() => square.faults.set({ rate429: 1.5 })).toThrow(RangeError);
    expect(() => square.faults.set({ rate500: 0.6, rate503: 0.6 })).toThrow(RangeError);
    expect(() => square.faults.set({ rateCursorExpiry: -0.1 })).toThrow(RangeError);
    expect(() => square.faults.set({ slowMs: -1 })).toThrow(RangeError);
  });
});

describe('FaultPlan', () => {
  it('delays served replies by slowMs at rateSlow and never delays a fault', () => {
    const plan = new FaultPlan(seededRandom(3));
    plan.set({ slowMs: 250 });
    expect(plan.decide()).toEqual({ kind: 'none', delayMs: 250, expireCursors: false });
    plan.set({ slowMs: 250, rateSlow: 0 });
    expect(plan.decide()).toEqual({ kind: 'none', delayMs: 0, expireCursors: false });
    plan.set({ slowMs: 250, rate503: 1 });
    expect(plan.decide()).toMatchObject({ kind: 'unavailable', reply: { status: 503 } });
    plan.set(undefined);
    expect(plan.decide()).toEqual({ kind: 'none', delayMs: 0, expireCursors: false });
  });
});
