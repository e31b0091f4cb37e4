import { afterEach, describe, expect, it } from 'vitest';
import { reply } from './core-test-kit.js';
import { FaultPlan } from './faults.js';
import { startFakeStorq, type FakeStorq } from './index.js';
import { seededRandom } from './random.js';

const started: FakeStorq[] = [];
async function start(seed?: number): Promise<FakeStorq> {
  const storq = await startFakeStorq(seed === undefined ? {} : { seed });
  storq.setStock([{ sku: 'A', quantity: 1 }]);
  started.push(storq);
  return storq;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((storq) => storq.close()));
});

/** One GET /stock; 'reset' when the connection dropped without an answer. */
async function getStock(storq: FakeStorq): Promise<number | 'reset'> {
  try {
    const response = await fetch(`${storq.baseUrl}/stock`, { headers: { authorization: `Bearer ${storq.liveKey}` } });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 'reset';
  }
}

async function postOrder(storq: FakeStorq, externalId: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${storq.baseUrl}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${storq.liveKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ customer_email: 'ada@example.com', external_id: externalId, line_items: [{ sku: 'A', quantity: 1 }] }),
    ...(signal === undefined ? {} : { signal }),
  });
}

describe('fake storq faults', () => {
  it('answers every request with 429 rate_limit_error and Retry-After when rate429 is 1', async () => {
    const storq = await start();
    storq.setFaults({ rate429: 1, retryAfterSeconds: 3 });
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${storq.baseUrl}/stock`, { headers: { authorization: `Bearer ${storq.liveKey}` } });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('3');
      expect(((await response.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
    }
    // Faults come before the key check: even a keyless request is rate limited.
    expect((await fetch(`${storq.baseUrl}/stock`)).status).toBe(429);
    expect(storq.requests.every((r) => r.fault === 'rate_limit' && r.status === 429)).toBe(true);
    storq.setFaults(undefined);
    expect(await getStock(storq)).toBe(200);
  });

  it('injects each kind of fault in a mixed run of 400 requests, the rest served normally', async () => {
    const storq = await start(11);
    storq.setFaults({ rate429: 0.1, retryAfterSeconds: 1, rate500: 0.1, rateReset: 0.05 });
    const outcomes: Array<number | 'reset'> = [];
    for (let i = 0; i < 400; i++) outcomes.push(await getStock(storq));
    const count = (value: number | 'reset'): number => outcomes.filter((o) => o === value).length;
    expect(count(429)).toBeGreaterThan(10);
    expect(count(500)).toBeGreaterThan(10);
    expect(count('reset')).toBeGreaterThan(3);
    expect(count(200)).toBeGreaterThan(200);
    expect(count(200) + count(429) + count(500) + count('reset')).toBe(400);
    expect(storq.requests.filter((r) => r.fault === 'reset').map((r) => r.status)).toEqual(Array(count('reset')).fill('reset'));
  });

  it('injects the same faults in the same order for the same seed', async () => {
    const run = async (seed: number): Promise<Array<number | 'reset'>> => {
      const storq = await start(seed);
      storq.setFaults({ rate429: 0.2, rate500: 0.2, rateReset: 0.1 });
      const outcomes: Array<number | 'reset'> = [];
      for (let i = 0; i < 40; i++) outcomes.push(await getStock(storq));
      return outcomes;
    };
    const first = await run(5);
    expect(await run(5)).toEqual(first);
    expect(await run(6)).not.toEqual(first);
  });

  it('answers a faulted POST before creating anything', async () => {
    const storq = await start();
    storq.setFaults({ rate500: 1 });
    const response = await postOrder(storq, 'shop-1');
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('api_error');
    storq.setFaults({ rateReset: 1 });
    await expect(postOrder(storq, 'shop-1')).rejects.toThrow();
    expect(storq.orders()).toEqual([]);
  });

  it('serves scripted replies in order before anything changes, then resumes', async () => {
    const storq = await start();
    storq.failNext(reply.retryAfter(2), { fault: 'reset' }, { status: 503, json: { error: { type: 'api_error', message: 'down' } } });
    expect((await postOrder(storq, 'shop-1')).status).toBe(429);
    await expect(postOrder(storq, 'shop-1')).rejects.toThrow();
    expect((await postOrder(storq, 'shop-1')).status).toBe(503);
    expect(storq.orders()).toEqual([]);
    expect((await postOrder(storq, 'shop-1')).status).toBe(201);
    expect(storq.requests.map((r) => r.fault)).toEqual(['scripted', 'scripted', 'scripted', null]);
  });

  it('still answers correctly when replies are slowed down', async () => {
    const storq = await start();
    storq.setFaults({ slowMs: 20 });
    expect(await getStock(storq)).toBe(200);
    expect(storq.requests[0]?.fault).toBeNull();
  });

  it('creates the order and then never answers, so the client times out with the order already at storq', async () => {
    const storq = await start();
    storq.createThenHang();
    await expect(postOrder(storq, 'shop-1001', AbortSignal.timeout(300))).rejects.toThrow();
    expect(storq.orders().map((o) => o.external_id)).toEqual(['shop-1001']);
    expect(storq.requests[0]).toMatchObject({ route: 'POST /orders', status: 'hang', fault: 'create_then_hang' });

    // The retry looks the order up first and finds it, so it does not create a second one.
    const lookup = await fetch(`${storq.baseUrl}/orders?external_id=shop-1001`, { headers: { authorization: `Bearer ${storq.liveKey}` } });
    expect(((await lookup.json()) as unknown[]).length).toBe(1);
    // Only one creation hangs; the next POST answers.
    expect((await postOrder(storq, 'shop-1002')).status).toBe(201);
  });

  it('refuses fault rates outside 0..1 or summing past 1', async () => {
    const storq = await start();
    expect(() => storq.setFaults({ rate429: 1.5 })).toThrow(RangeError);
    expect(() => storq.setFaults({ rate429: 0.6, rate500: 0.6 })).toThrow(RangeError);
    expect(() => storq.createThenHang(0)).toThrow(RangeError);
  });
});

describe('FaultPlan', () => {
  it('delays served replies by slowMs at rateSlow and never delays a fault', () => {
    const plan = new FaultPlan(seededRandom(3));
    plan.set({ slowMs: 250 });
    expect(plan.decide()).toEqual({ kind: 'none', delayMs: 250 });
    plan.set({ slowMs: 250, rateSlow: 0 });
    expect(plan.decide()).toEqual({ kind: 'none', delayMs: 0 });
    plan.set({ slowMs: 250, rate500: 1 });
    expect(plan.decide()).toMatchObject({ kind: 'server_error', reply: { status: 500 } });
    plan.set(undefined);
    expect(plan.decide()).toEqual({ kind: 'none', delayMs: 0 });
  });
});
