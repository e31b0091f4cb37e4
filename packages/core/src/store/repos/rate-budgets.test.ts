import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/index.js';
import type { Queryable } from '../database.js';
import { openStore, type Store } from '../open-store.js';
import { createTestDatabases, serverStoreBackend, storeBackends } from '../testing.js';
import { answerRateBudget, type RateBudgetAnswer } from './rate-budget-answers.js';
import { openBreakerState } from './breaker-states.js';
import { deleteConnection, upsertDeclaredConnection } from './connections.js';
import { holdRateBudget, takeRateBudget, type RateBudgetTake, type RateBudgetTakeRequest } from './rate-budgets.js';

const dbs = createTestDatabases();
const extraStores: Store[] = [];
afterAll(async () => {
  await Promise.all(extraStores.splice(0).map((s) => s.close()));
  await dbs.dispose();
});

const KEY = { connector: 'storq', connectionId: 'acme' };
const declared = (ratePerSecond: number, capacity: number, extra: Partial<RateBudgetTakeRequest> = {}): RateBudgetTakeRequest => ({
  cost: 1,
  minCost: extra.cost ?? 1,
  declaredCapacity: capacity,
  declaredRatePerSecond: ratePerSecond,
  initialTokens: capacity,
  recordFlight: false,
  flightLimitMs: 60_000,
  ...extra,
});
const adaptive = (cost: number): RateBudgetTakeRequest => ({
  cost,
  minCost: cost,
  declaredCapacity: null,
  declaredRatePerSecond: null,
  initialTokens: 0,
  recordFlight: true,
  flightLimitMs: 60_000,
});
/** What the limiter sends for an answer: the vendor's figure corrected as `BudgetBucket` does, margin 1. */
const answerOf = (take: RateBudgetTake, figures: { available: number; maximum?: number; restorePerSecond?: number } | undefined): RateBudgetAnswer => ({
  grantId: take.grantId,
  heard: true,
  available: figures?.available ?? null,
  maximum: figures?.maximum ?? null,
  restorePerSecond: figures?.restorePerSecond ?? null,
  resyncBase: figures === undefined ? null : figures.available - 1 - take.inFlightBefore + take.grantedBefore + take.cost,
  drain: false,
  declaredCapacity: null,
  declaredRatePerSecond: null,
});

/** Moves the budget's clock back, as if `ms` had passed since it was last taken from. */
async function age(db: Queryable, ms: number): Promise<void> {
  await db.query(`update connectd_engine.rate_budgets set updated_at = updated_at - make_interval(secs => $1::float8 / 1000)`, [ms]);
}

async function level(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ tokens: number }>(`select tokens from connectd_engine.rate_budgets`);
  return rows[0]!.tokens;
}

describe.each(storeBackends())('shared rate budgets on %s', (backend) => {
  // The rates below are slow (a unit per 100 s or 10 s) so that the real time the statements take,
  // seconds on a loaded machine, refills too little to change an answer; `age` stands in for time.
  it('takes up to the burst, then answers how long until the cost is refilled at the rate', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    for (let i = 0; i < 10; i++) expect(await takeRateBudget(db, KEY, declared(0.01, 10))).toMatchObject({ granted: true, mode: 'paced', cost: 1 });
    const short = await takeRateBudget(db, KEY, declared(0.01, 10));
    expect(short.granted).toBe(false);
    // One unit at 0.01/s is 100 s, less what refilled since the bucket was emptied.
    expect(short.tokens).toBeGreaterThanOrEqual(0);
    expect(short.tokens).toBeLessThan(1);
    expect(short.waitMs).toBeCloseTo(((1 - short.tokens) / 0.01) * 1000, 6);
    await age(db, 500_000);
    expect(await takeRateBudget(db, KEY, declared(0.01, 10, { cost: 5 }))).toMatchObject({ granted: true, cost: 5 });
    // Five units refilled in the 500 s, and what refilled while the statements ran.
    expect(await level(db)).toBeGreaterThanOrEqual(0);
    expect(await level(db)).toBeLessThan(1);
    // Refills never pass the capacity, however long the budget was idle.
    await age(db, 360_000_000);
    expect(await takeRateBudget(db, KEY, declared(0.01, 10))).toMatchObject({ granted: true });
    expect(await level(db)).toBeCloseTo(9, 3);
  });

  it('leases what is there once the minimum is, in whole units, and otherwise waits for the minimum only', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    expect(await takeRateBudget(db, KEY, declared(0.1, 30, { cost: 25, minCost: 13 }))).toMatchObject({ granted: true, cost: 25 });
    // 5 and a little refill left: fewer than the minimum of 13.
    const short = await takeRateBudget(db, KEY, declared(0.1, 30, { cost: 25, minCost: 13 }));
    expect(short).toMatchObject({ granted: false, cost: 13 });
    expect(short.waitMs).toBeCloseTo(((13 - short.tokens) / 0.1) * 1000, 6);
    await age(db, 100_000);
    // About 15 there now: the lease takes the whole units there, not the 25 wanted.
    const partial = await takeRateBudget(db, KEY, declared(0.1, 30, { cost: 25, minCost: 13 }));
    expect(partial.granted).toBe(true);
    expect(partial.cost).toBeGreaterThanOrEqual(15);
    expect(partial.cost).toBeLessThan(25);
    expect(Number.isInteger(partial.cost)).toBe(true);
    expect(partial.tokens).toBeGreaterThanOrEqual(0);
    expect(partial.tokens).toBeLessThan(1);
    // Leases are no flights: nothing counts as in flight for the next grant.
    expect((await takeRateBudget(db, KEY, declared(0.1, 30, { cost: 1 }))).inFlightBefore).toBe(0);
  });

  it('grants nothing to anyone while a hold the vendor asked for lasts, and says how long it still lasts', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    expect(await takeRateBudget(db, KEY, declared(10, 10))).toMatchObject({ granted: true });
    await holdRateBudget(db, KEY, 60_000);
    await holdRateBudget(db, KEY, 1_000); // a shorter hold does not shorten the longer one
    const held = await takeRateBudget(db, KEY, declared(10, 10));
    expect(held.granted).toBe(false);
    expect(held.waitMs).toBeGreaterThan(59_000);
    expect(held.waitMs).toBeLessThanOrEqual(60_000);
    // Probing budgets are held too (nothing known about them but the vendor's refusal).
    const other = { connector: 'storq', connectionId: 'other' };
    const probe = await takeRateBudget(db, other, adaptive(1));
    await holdRateBudget(db, other, 30_000);
    await answerRateBudget(db, other, { ...answerOf(probe, undefined) });
    const open = await takeRateBudget(db, other, adaptive(1));
    expect(open).toMatchObject({ granted: false, mode: 'open' });
    expect(open.waitMs).toBeGreaterThan(29_000);
    await db.query(`update connectd_engine.rate_budgets set held_until = clock_timestamp() - interval '1 second'`);
    expect(await takeRateBudget(db, KEY, declared(10, 10))).toMatchObject({ granted: true });
    expect(await takeRateBudget(db, other, adaptive(1))).toMatchObject({ granted: true, mode: 'open' });
  });

  it('takes a cost above the capacity as a full bucket, and follows a changed declaration', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const big = await takeRateBudget(db, KEY, declared(0.01, 20, { cost: 50 }));
    expect(big).toMatchObject({ granted: true, cost: 20 });
    const again = await takeRateBudget(db, KEY, declared(0.01, 20, { cost: 50 }));
    expect(again.granted).toBe(false);
    expect(again.waitMs).toBeCloseTo(((20 - again.tokens) / 0.01) * 1000, 6);
    expect(again.waitMs).toBeLessThanOrEqual(2_000_000);
    // A smaller declared burst caps the level at once.
    await age(db, 3_600_000);
    expect(await takeRateBudget(db, KEY, declared(0.01, 4))).toMatchObject({ granted: true });
    expect(await level(db)).toBeCloseTo(3, 3);
  });

  it('probes with one request at a time until an answer, then paces by the figures the vendor reports', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const probe = await takeRateBudget(db, KEY, adaptive(10));
    expect(probe).toMatchObject({ granted: true, mode: 'probing', grantId: 1, inFlightBefore: 0, grantedBefore: 0 });
    expect(await takeRateBudget(db, KEY, adaptive(10))).toMatchObject({ granted: false, mode: 'probing', waitMs: null });
    expect(await answerRateBudget(db, KEY, answerOf(probe, { available: 900, maximum: 1000, restorePerSecond: 50 }))).toBeCloseTo(899, 6);
    const paced = await takeRateBudget(db, KEY, adaptive(100));
    expect(paced).toMatchObject({ granted: true, mode: 'paced', grantId: 2, inFlightBefore: 0, grantedBefore: 10 });
    expect(paced.tokens).toBeGreaterThanOrEqual(799);
    expect(paced.tokens).toBeLessThan(810);
  });

  it('stops pacing when the answers carry no figures, and probes again after a probe without an answer', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const failed = await takeRateBudget(db, KEY, adaptive(1));
    await answerRateBudget(db, KEY, { ...answerOf(failed, undefined), heard: false });
    const probe = await takeRateBudget(db, KEY, adaptive(1));
    expect(probe).toMatchObject({ granted: true, mode: 'probing' });
    await answerRateBudget(db, KEY, answerOf(probe, undefined));
    for (let i = 0; i < 3; i++) expect(await takeRateBudget(db, KEY, adaptive(1))).toMatchObject({ granted: true, mode: 'open' });
  });

  it("re-synchronises from an answer less everything granted since on any daemon; an older answer may only lower the level", async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const start = await takeRateBudget(db, KEY, adaptive(1));
    await answerRateBudget(db, KEY, answerOf(start, { available: 1000, maximum: 1000, restorePerSecond: 0.001 }));
    const a = await takeRateBudget(db, KEY, adaptive(10));
    const b = await takeRateBudget(db, KEY, adaptive(20));
    expect(b.inFlightBefore).toBe(10);
    // A's figure may lack B (in flight when it was measured): 500 − 1 − B's 20.
    expect(await answerRateBudget(db, KEY, answerOf(a, { available: 500 }))).toBeCloseTo(479, 2);
    // B's figure may lack A (in flight when B was granted): 480 − 1 − A's 10.
    expect(await answerRateBudget(db, KEY, answerOf(b, { available: 480 }))).toBeCloseTo(469, 2);
    const c = await takeRateBudget(db, KEY, adaptive(5));
    const d = await takeRateBudget(db, KEY, adaptive(5));
    // D answers first (it is the freshest grant): its figure sets the level, C's in-flight 5 subtracted.
    expect(await answerRateBudget(db, KEY, answerOf(d, { available: 700 }))).toBeCloseTo(694, 2);
    // C's older answer reports more (a refund D's figure already had): it does not raise the level...
    expect(await answerRateBudget(db, KEY, answerOf(c, { available: 900 }))).toBeCloseTo(694, 1);
    // ...but an older answer reporting less (another client spent) lowers it.
    const e = await takeRateBudget(db, KEY, adaptive(5));
    const f = await takeRateBudget(db, KEY, adaptive(5));
    await answerRateBudget(db, KEY, answerOf(f, { available: 600 }));
    expect(await answerRateBudget(db, KEY, answerOf(e, { available: 300 }))).toBeCloseTo(294, 2);
    const { rows } = await db.query<{ n: string }>(`select count(*)::text as n from connectd_engine.rate_flights`);
    expect(rows[0]!.n).toBe('0');
  });

  it("ends a dead daemon's flights after the flight limit, and does not re-synchronise from their late answers", async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const start = await takeRateBudget(db, KEY, adaptive(1));
    await answerRateBudget(db, KEY, answerOf(start, { available: 100, maximum: 100, restorePerSecond: 0.001 }));
    const lost = await takeRateBudget(db, KEY, adaptive(30));
    expect((await takeRateBudget(db, KEY, adaptive(1))).inFlightBefore).toBe(30);
    await db.query(`update connectd_engine.rate_flights set granted_at = granted_at - interval '2 minutes' where grant_id = $1`, [lost.grantId]);
    const after = await takeRateBudget(db, KEY, adaptive(1));
    // The lost flight ended (its cost counted as answered); the previous take's flight is still open.
    expect(after.inFlightBefore).toBe(1);
    const before = await level(db);
    expect(await answerRateBudget(db, KEY, answerOf(lost, { available: 100 }))).toBeCloseTo(before, 2);
  });

  it("goes with its connection: budget, flights and breaker, and no other connection's", async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const other = { connector: 'storq', connectionId: 'other' };
    for (const key of [KEY, other]) {
      await upsertDeclaredConnection(db, { id: key.connectionId, connector: key.connector, tenantId: key.connectionId });
      await takeRateBudget(db, key, adaptive(1));
      await openBreakerState(db, key, 60_000);
    }
    const left = async (): Promise<unknown[]> =>
      (
        await db.query(
          `select 'budget' as t, connection_id from connectd_engine.rate_budgets
           union all select 'flight', connection_id from connectd_engine.rate_flights
           union all select 'breaker', connection_id from connectd_engine.breaker_states order by 1, 2`,
        )
      ).rows;
    expect(await left()).toHaveLength(6);
    expect(await deleteConnection(db, KEY.connectionId)).toBe(true);
    expect(await left()).toEqual([
      { t: 'breaker', connection_id: 'other' },
      { t: 'budget', connection_id: 'other' },
      { t: 'flight', connection_id: 'other' },
    ]);
    expect(await deleteConnection(db, KEY.connectionId)).toBe(false);
  });
});

describe.each(serverStoreBackend())('shared rate budgets on %s, from several pools at once', (backend) => {
  it('never grants more than the burst plus the rate times the window, in any window', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const url = await dbs.createPostgresDatabase();
    // Several pools (as several daemons would have) on one database.
    const first = await openStore({ databaseUrl: url, dataDir: '/tmp', log: silent });
    extraStores.push(first);
    await first.migrate();
    const pools = [first];
    for (let i = 0; i < 3; i++) {
      const store = await openStore({ databaseUrl: url, dataDir: '/tmp', log: silent });
      extraStores.push(store);
      pools.push(store);
    }
    void db;
    const rate = 100;
    const burst = 20;
    const grants: number[] = [];
    let total = 0;
    const deadline = performance.now() + 1500;
    await Promise.all(
      pools.flatMap((store) =>
        Array.from({ length: 4 }, async () => {
          while (performance.now() < deadline) {
            const take = await takeRateBudget(store.db, KEY, declared(rate, burst, { cost: 3 }));
            if (!take.granted) {
              await new Promise((r) => setTimeout(r, take.waitMs ?? 1));
              continue;
            }
            total += take.cost;
            for (let k = 0; k < take.cost; k++) grants.push(take.at.getTime());
          }
        }),
      ),
    );
    grants.sort((x, y) => x - y);
    expect(grants.length).toBe(total);
    // Enough was granted that the budget, not the takers, was the limit.
    expect(total).toBeGreaterThan(burst + rate * 0.5);
    // Server times are milliseconds: a window of W ms holds at most burst + rate × (W + 1 ms).
    for (let i = 0; i < grants.length; i++) {
      for (const windowMs of [10, 100, 1000]) {
        let n = 0;
        for (let j = i; j < grants.length && grants[j]! < grants[i]! + windowMs; j++) n++;
        expect(n).toBeLessThanOrEqual(burst + (rate * (windowMs + 1)) / 1000);
      }
    }
  });
});

const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
