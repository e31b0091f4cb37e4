import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import {
  BudgetBucket,
  createConnectionClient,
  createRateLimiter,
  SharedBucket,
  TokenBucket,
  type BudgetStore,
  type BudgetTake,
  type ConnectionClient,
  type SharedHttpState,
} from '../http/index.js';
import { createLogger } from '../log/index.js';
import { openStore, readBreakerState, type Store } from '../store/index.js';
import { createTestDatabases, serverStoreBackend, storeBackends } from '../store/testing.js';
import { sharedHttpStateOf } from './shared-http-state.js';

const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
const dbs = createTestDatabases();
const opened: Store[] = [];
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
  await dbs.dispose();
});

const KEY = { connector: 'storq', connectionId: 'acme' };
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for something that happens in the background (a statement sent after a promise settled). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await wait(5);
}

/** Two stores on one fresh Postgres database, each with its own pool: two daemons as far as the database can tell. */
async function twoDaemons(): Promise<[SharedHttpState, SharedHttpState, Store]> {
  const url = await dbs.createPostgresDatabase();
  const a = await openStore({ databaseUrl: url, dataDir: '/tmp', log: silent });
  opened.push(a);
  await a.migrate();
  const b = await openStore({ databaseUrl: url, dataDir: '/tmp', log: silent });
  opened.push(b);
  return [sharedHttpStateOf(a.db)!, sharedHttpStateOf(b.db)!, a];
}

/** What the adapter passes through from store/'s statement beyond the port's answer: the level after it and its time, by the database's clock. */
type TakeRow = BudgetTake & { readonly tokens: number; readonly at: Date };

/** The budget store of one daemon, recording every grant the database made (its time by the database's clock, its units). */
function recording(budgets: BudgetStore, grants: Array<{ at: number; units: number }>, counts = { takes: 0 }): BudgetStore {
  return {
    hold: (key, ms) => budgets.hold(key, ms),
    answer: (key, answer) => budgets.answer(key, answer),
    async take(key, request) {
      counts.takes++;
      const take = (await budgets.take(key, request)) as TakeRow;
      if (take.granted) grants.push({ at: take.at.getTime(), units: take.cost });
      return take;
    },
  };
}

/** The most units granted in any window of `windowMs` (grant times are the database's, in whole ms). */
function busiestWindow(grants: ReadonlyArray<{ at: number; units: number }>, windowMs: number): number {
  const sorted = [...grants].sort((x, y) => x.at - y.at);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let units = 0;
    for (let j = i; j < sorted.length && sorted[j]!.at < sorted[i]!.at + windowMs; j++) units += sorted[j]!.units;
    most = Math.max(most, units);
  }
  return most;
}

/** `workers` callers per limiter, each acquiring in a loop until `total` permits were handed out in all. */
async function drain(limiters: SharedBucket[], workers: number, total: number): Promise<number[]> {
  const got = limiters.map(() => 0);
  let handed = 0;
  await Promise.all(
    limiters.flatMap((limiter, i) =>
      Array.from({ length: workers }, async () => {
        while (handed < total) {
          await limiter.acquire();
          handed++;
          got[i]!++;
        }
      }),
    ),
  );
  return got;
}

/** A loopback vendor answering every request with `status()`, counting what it receives. */
async function vendor(status: () => number): Promise<{ url: string; received: () => number }> {
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    req.resume();
    res.writeHead(status(), { 'content-type': 'application/json' }).end('{}');
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received: () => received };
}

const BREAKER = { failureThreshold: 1, cooldownMs: 300 };

/** A connection's client on one daemon, its breaker shared through `shared` (read afresh before every call). */
function clientOn(shared: SharedHttpState, name: string): ConnectionClient {
  return createConnectionClient({
    name,
    log: silent,
    retry: { maxAttempts: 1 },
    breaker: BREAKER,
    sharedBreaker: { store: shared.breakers, key: KEY, cacheMs: 0 },
  });
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('the call was not refused');
}

/** Waits (by the database's clock) until the open breaker's cooldown is over. */
async function cooldownOver(store: Store): Promise<void> {
  for (;;) {
    const state = await readBreakerState(store.db, KEY);
    if (state.state === 'open' && state.probeInMs === 0) return;
    await wait(Math.max(10, state.probeInMs ?? 10));
  }
}

describe.each(storeBackends())('the HTTP state of connections on %s', (backend) => {
  it(backend === 'postgres' ? 'is shared through the database' : 'stays in memory (one process): no shared state, the in-memory limiters', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const shared = sharedHttpStateOf(store.db);
    if (backend === 'pglite') {
      expect(shared).toBeUndefined();
      expect(createRateLimiter({ rate: '10/s' }, undefined, shared && { store: shared.budgets, key: KEY })).toBeInstanceOf(TokenBucket);
      expect(createRateLimiter({}, { observe: () => undefined }, shared && { store: shared.budgets, key: KEY })).toBeInstanceOf(BudgetBucket);
      const { rows } = await store.db.query<{ n: number }>(`select count(*)::int as n from connectd_engine.rate_budgets`);
      expect(rows[0]!.n).toBe(0);
      return;
    }
    expect(shared).toBeDefined();
    expect(createRateLimiter({ rate: '10/s' }, undefined, { store: shared!.budgets, key: KEY })).toBeInstanceOf(SharedBucket);
    expect(createRateLimiter({}, { observe: () => undefined }, { store: shared!.budgets, key: KEY })).toBeInstanceOf(SharedBucket);
  });
});

describe.each(serverStoreBackend())('a rate budget shared by two daemons on %s', () => {
  it('never grants more than the burst plus the rate times the window, to concurrent callers on both', async () => {
    const [a, b] = await twoDaemons();
    const grants: Array<{ at: number; units: number }> = [];
    const rate = 40;
    const burst = 8;
    const limiters = [a, b].map((s) => new SharedBucket({ store: recording(s.budgets, grants), key: KEY, pacing: 'declared', ratePerSecond: rate, burst }));
    expect(limiters[0]!.plan).toEqual({ batch: 1, leaseMs: 0, capacity: burst });
    const got = await drain(limiters, 6, 60);
    // Both daemons were served, and every permit was a unit the database granted.
    expect(got.every((n) => n > 0)).toBe(true);
    expect(grants.reduce((sum, g) => sum + g.units, 0)).toBeGreaterThanOrEqual(60);
    for (const windowMs of [1, 100, 500, 1000]) expect(busiestWindow(grants, windowMs)).toBeLessThanOrEqual(burst + (rate * (windowMs + 1)) / 1000);
  });

  it('leases tokens in batches at a high rate: far fewer round trips than requests, the budget still held', async () => {
    const [a, b] = await twoDaemons();
    const grants: Array<{ at: number; units: number }> = [];
    const counts = { takes: 0 };
    const rate = 400;
    const limiters = [a, b].map((s) => new SharedBucket({ store: recording(s.budgets, grants, counts), key: KEY, pacing: 'declared', ratePerSecond: rate }));
    const plan = limiters[0]!.plan;
    // 400/s with a burst of 400: batches of up to 40, used within 100 ms, the bucket refilled to 360.
    expect(plan).toEqual({ batch: 40, leaseMs: 100, capacity: 360 });
    const permits = 1200;
    await drain(limiters, 50, permits);
    expect(counts.takes * 5).toBeLessThan(permits);
    // Tokens granted at t are used by t + lease: any window of the vendor's sees at most capacity + rate × (window + lease) = burst + rate × window.
    for (const windowMs of [1, 100, 500, 1000]) expect(busiestWindow(grants, windowMs)).toBeLessThanOrEqual(plan.capacity + (rate * (windowMs + 1)) / 1000);
  });

  it("re-synchronises the shared budget from one daemon's answers, seen by the other at its next take; a vendor's hold stops both", async () => {
    const [a, b, store] = await twoDaemons();
    const seenByB: TakeRow[] = [];
    const onA = new SharedBucket({ store: a.budgets, key: KEY, pacing: 'vendor' });
    const onB = new SharedBucket({
      store: {
        hold: (key, ms) => b.budgets.hold(key, ms),
        answer: (key, answer) => b.budgets.answer(key, answer),
        async take(key, request) {
          seenByB.push((await b.budgets.take(key, request)) as TakeRow);
          return seenByB.at(-1)!;
        },
      },
      key: KEY,
      pacing: 'vendor',
    });
    // Nothing declared: A's first request probes alone; its answer (a GraphQL cost reading) sets the pace for both.
    const probe = await onA.acquire(undefined, 10);
    probe.observe!({ available: 50, maximum: 1000, restorePerSecond: 0.01 });
    probe.release!();
    // The answer is recorded in the background; until it is, B's take finds the probe in flight and waits.
    const first = await onB.acquire(undefined, 30);
    first.release!();
    expect(seenByB.at(-1)).toMatchObject({ granted: true, mode: 'paced', cost: 30 });
    // 50 reported, less the rounding margin, less B's 30, and what 0.01/s refilled since.
    expect(seenByB.at(-1)!.tokens).toBeGreaterThanOrEqual(19);
    expect(seenByB.at(-1)!.tokens).toBeLessThan(19.1);
    // A cost beyond what is left waits for the refill at the vendor's rate, told by the database.
    const stop = new AbortController();
    const takes = seenByB.length;
    const waiting = onB.acquire(stop.signal, 25);
    await until(() => seenByB.length > takes);
    stop.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(seenByB.at(-1)).toMatchObject({ granted: false, mode: 'paced' });
    expect(seenByB.at(-1)!.waitMs).toBeGreaterThan(500_000);
    // A daemon told Retry-After holds everyone's budget.
    onA.holdOff(60_000);
    for (;;) {
      const { rows } = await store.db.query<{ held: boolean }>(`select held_until > clock_timestamp() as held from connectd_engine.rate_budgets`);
      if (rows[0]?.held === true) break;
      await wait(5);
    }
    const held = new AbortController();
    const before = seenByB.length;
    const heldWait = onB.acquire(held.signal, 1);
    await until(() => seenByB.length > before);
    held.abort(new Error('held'));
    await expect(heldWait).rejects.toThrow('held');
    expect(seenByB.at(-1)).toMatchObject({ granted: false });
    expect(seenByB.at(-1)!.waitMs).toBeGreaterThan(59_000);
  });
});

describe.each(serverStoreBackend())('a breaker shared by two daemons on %s', () => {
  it('opened through one daemon, refuses calls through the other without sending them', async () => {
    const [a, b] = await twoDaemons();
    const down = await vendor(() => 503);
    const onA = clientOn(a, 'storq:acme');
    const onB = clientOn(b, 'storq:acme');
    expect(isConnectdError(await refusal(onA.send({ method: 'GET', url: down.url })), 'CONNECTD_ERR_HTTP_RETRIES_EXHAUSTED')).toBe(true);
    expect(onA.breakerState()).toBe('open');
    const err = await refusal(onB.send({ method: 'GET', url: down.url }));
    expect(isConnectdError(err, 'CONNECTD_ERR_HTTP_BREAKER_OPEN')).toBe(true);
    expect(onB.breakerState()).toBe('open');
    expect(down.received()).toBe(1);
    await Promise.all([onA.close(), onB.close()]);
  });

  it('after the cooldown lets exactly one trial through among concurrent calls on both daemons, and closes for both on its success', async () => {
    const [a, b, store] = await twoDaemons();
    let healthy = false;
    let releaseTrial: () => void = () => undefined;
    const trialHeld = new Promise<void>((resolve) => (releaseTrial = resolve));
    let trials = 0;
    const server = createServer((req, res) => {
      req.resume();
      if (!healthy) return void res.writeHead(503).end();
      trials++;
      void trialHeld.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const onA = clientOn(a, 'storq:acme');
    const onB = clientOn(b, 'storq:acme');
    await refusal(onA.send({ method: 'GET', url }));
    await cooldownOver(store);
    healthy = true;
    let settled = 0;
    const calls = [onA, onB, onA, onB, onA, onB, onA, onB].map((client) =>
      client.send({ method: 'GET', url }).then(
        (res) => res.status,
        (err: unknown) => err,
      ).finally(() => settled++),
    );
    // Every call but the trial settles while the trial is held at the vendor.
    await until(() => settled === 7);
    expect(trials).toBe(1);
    expect((await readBreakerState(store.db, KEY)).trialInFlight).toBe(true);
    releaseTrial();
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((o) => o === 200)).toHaveLength(1);
    expect(outcomes.filter((o) => isConnectdError(o, 'CONNECTD_ERR_HTTP_BREAKER_OPEN'))).toHaveLength(7);
    expect(trials).toBe(1);
    expect((await readBreakerState(store.db, KEY)).trials).toBe(1);
    // Closed for both: the next calls on either daemon go to the vendor.
    expect((await readBreakerState(store.db, KEY)).state).toBe('closed');
    expect((await onB.send({ method: 'GET', url })).status).toBe(200);
    expect((await onA.send({ method: 'GET', url })).status).toBe(200);
    expect(onA.breakerState()).toBe('closed');
    expect(onB.breakerState()).toBe('closed');
    await Promise.all([onA.close(), onB.close()]);
  });

  it('opens again for everyone when the trial fails, for another cooldown', async () => {
    const [a, b, store] = await twoDaemons();
    const down = await vendor(() => 503);
    const onA = clientOn(a, 'storq:acme');
    const onB = clientOn(b, 'storq:acme');
    await refusal(onA.send({ method: 'GET', url: down.url }));
    await cooldownOver(store);
    // B makes the trial; the vendor is still down.
    expect(isConnectdError(await refusal(onB.send({ method: 'GET', url: down.url })), 'CONNECTD_ERR_HTTP_RETRIES_EXHAUSTED')).toBe(true);
    const after = await readBreakerState(store.db, KEY);
    expect(after).toMatchObject({ state: 'open', trialInFlight: false, trials: 1 });
    expect(after.probeInMs).toBeGreaterThan(0);
    const err = await refusal(onA.send({ method: 'GET', url: down.url }));
    expect(isConnectdError(err, 'CONNECTD_ERR_HTTP_BREAKER_OPEN')).toBe(true);
    expect(down.received()).toBe(2);
    await Promise.all([onA.close(), onB.close()]);
  });
});
