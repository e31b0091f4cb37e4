import { tmpdir } from 'node:os';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger, openStore, type Store } from '@connectd/core';
import {
  createFakeMeteredVendor,
  createTestDatabases,
  type FakeMeteredVendor,
  maxInWindow,
  serverStoreBackend,
  waitFor,
} from '@connectd/core/testing';
import type { DaemonProcess } from './support/daemon-process.js';
import { invokePing, postDelivery, signedDelivery, startDaemons, writeScaleProject } from './support/scale-out.js';

// Issue 14 acceptance: three `connectd run` children on one Postgres. One is SIGKILLed mid-run while
// it runs a sync; the vendor's rate budget holds across all three, no job runs on two daemons at
// once, every acknowledged webhook is applied once, the cron stream is enqueued once per tick, and
// the killed daemon's job is finished by the others. A breaker opened by one daemon keeps the other
// two away from a failing vendor until the trial request succeeds. Every assertion is on counts:
// the fake's log of arrivals (windows computed from its own clock) and the tables.

const silentLog = createLogger({ level: 'silent', destination: { write: () => undefined } });
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const running: DaemonProcess[] = [];
const vendors: FakeMeteredVendor[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await Promise.all(vendors.splice(0).map((v) => v.close()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const RATE_PER_SECOND = 10;
const BURST = 5;
const STREAMS = ['s1', 's2', 's3', 's4'];
const PAGES = 25;
const PAGE_SIZE = 10;
const CRON = { stream: 'tick', schedule: '*/2 * * * * *' };
/** Stream pages served before the kill: well into the run, well before its end. */
const KILL_AFTER_PAGES = 30;
const LEASE_MS = 2_000;

/** The daemon whose worker holds `lockedBy` (`host:pid:…`). */
function holder(daemons: readonly DaemonProcess[], lockedBy: string): DaemonProcess | undefined {
  return daemons.find((d) => lockedBy.includes(`:${d.child.pid}:`));
}

async function openTestStore(databaseUrl: string): Promise<Store> {
  const store = await openStore({ databaseUrl, dataDir: tmpdir(), log: silentLog });
  stores.push(store);
  return store;
}

describe.each(serverStoreBackend())('three daemons on one %s', () => {
  it('one SIGKILLed mid-run: the budget holds in every second, no job runs twice at once, acknowledged webhooks are applied once, the cron stream is enqueued once per tick, the others finish its work', async () => {
    // The vendor's bucket has one token more than declared: slack for the network's jitter, so a
    // request granted on time is not refused for arriving a millisecond early.
    const vendor = await createFakeMeteredVendor({
      ratePerSecond: RATE_PER_SECOND,
      burst: BURST + 1,
      collections: { ...Object.fromEntries(STREAMS.map((s) => [s, PAGES])), [CRON.stream]: 1 },
      pageSize: PAGE_SIZE,
      pageDelayMs: 30,
    });
    vendors.push(vendor);
    const config = writeScaleProject({ vendorUrl: vendor.url, ratePerSecond: RATE_PER_SECOND, burst: BURST, streams: STREAMS, cron: CRON });
    const databaseUrl = await dbs.createPostgresDatabase();
    const daemons = await startDaemons(3, config, databaseUrl, { CONNECTD_JOB_LEASE_MS: String(LEASE_MS), CONNECTD_WORKER_POLL_MS: '200' });
    running.push(...daemons);
    const store = await openTestStore(databaseUrl);

    for (const stream of STREAMS) {
      await store.db.query(`insert into connectd_engine.jobs (kind, connection_id, stream, payload) values ('sync', 'metered', $1, $2::jsonb)`, [
        stream,
        JSON.stringify({ connector: 'metered', stream, mode: 'full' }),
      ]);
    }

    // Webhooks to the live daemons, round robin, until well after the kill.
    const acked = new Map<string, number>();
    let killed: DaemonProcess | undefined = undefined; // read by the sender until the kill
    let sentAfterKill = 0;
    const sending = (async () => {
      for (let i = 0; killed === undefined || sentAfterKill < 150; i += 4) {
        const live = daemons.filter((d) => d !== killed);
        await Promise.all(
          [0, 1, 2, 3].map(async (k) => {
            const n = i + k;
            const status = await postDelivery(live[n % live.length]!.url, signedDelivery(`evt_${n}`, `W-${n}`, n));
            if (status !== undefined && status >= 200 && status < 300) acked.set(`evt_${n}`, n);
          }),
        );
        if (killed !== undefined) sentAfterKill += 4;
      }
    })();

    const streamPages = () => vendor.log.filter((r) => STREAMS.includes(r.collection) && r.status === 200).length;
    await waitFor(`${KILL_AFTER_PAGES} stream pages served`, () => streamPages() >= KILL_AFTER_PAGES, { timeoutMs: 120_000, intervalMs: 20 });
    const { rows: held } = await store.db.query<{ id: string; stream: string; locked_by: string }>(
      `select id::text, stream, locked_by from connectd_engine.jobs where status = 'running' and stream = any($1::text[]) order by id`,
      [STREAMS],
    );
    const victim = held.map((job) => ({ job, daemon: holder(daemons, job.locked_by) })).find((h) => h.daemon !== undefined);
    expect(victim, 'a daemon runs a stream job at the kill').toBeDefined();
    killed = victim!.daemon!;
    await killed.stop('SIGKILL');
    // The killed daemon's jobs: a daemon runs two at a time.
    const orphaned = held.filter((job) => holder(daemons, job.locked_by) === killed).map((job) => job.stream);
    const killedAt = Date.now();
    const killedName = `d${daemons.indexOf(killed) + 1}`;
    await sending;

    // The streams finish (the killed daemon's job taken over after its lease) and every acknowledged webhook is processed.
    await waitFor(
      'every stream job succeeded',
      async () => {
        const { rows } = await store.db.query<{ n: number }>(`select count(*)::int as n from connectd_engine.jobs where status = 'succeeded' and stream = any($1::text[])`, [STREAMS]);
        return rows[0]!.n === STREAMS.length;
      },
      { timeoutMs: 180_000, intervalMs: 250 },
    );
    await waitFor(
      'every acknowledged webhook processed',
      async () => {
        const { rows } = await store.db.query<{ n: number }>(`select count(*)::int as n from connectd_engine.webhook_inbox where status = 'processed' and dedupe_key = any($1::text[])`, [[...acked.keys()]]);
        return rows[0]!.n === acked.size;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    await Promise.all(daemons.filter((d) => d !== killed).map((d) => d.stop('SIGTERM')));

    // The budget: in any one second the vendor received at most the rate plus the declared burst.
    expect(maxInWindow(vendor.log, 1_000)).toBeLessThanOrEqual(RATE_PER_SECOND + BURST);

    // No job ran on two daemons at once: no page of a stream arrived while another page of it was in flight.
    expect(vendor.log.filter((r) => r.concurrent > 0)).toEqual([]);
    const { rows: streamJobs } = await store.db.query<{ id: string; stream: string; status: string; attempts: number; locked_by: string | null; last_error: string | null }>(
      `select id::text, stream, status, attempts, locked_by, last_error from connectd_engine.jobs where stream = any($1::text[]) order by stream`,
      [STREAMS],
    );
    // Each stream job claimed once, but the killed daemon's jobs: once more, by another daemon.
    expect(streamJobs.map((j) => [j.stream, j.status, j.attempts])).toEqual(STREAMS.map((s) => [s, 'succeeded', orphaned.includes(s) ? 2 : 1]));
    expect(streamJobs.filter((j) => holder(daemons, j.locked_by ?? '') === killed)).toEqual([]);

    // The killed daemon's work was finished by the others: its streams' later pages came from them, and every record landed.
    for (const stream of orphaned) {
      const afterKill = vendor.log.filter((r) => r.collection === stream && r.arrivedAt > killedAt);
      expect(afterKill.length, `pages of ${stream} after the kill`).toBeGreaterThan(0);
      expect(afterKill.filter((r) => r.client === killedName)).toEqual([]);
    }
    const { rows: products } = await store.db.query<{ sku: string }>(`select sku from connectd.products`);
    const expected = [...STREAMS, CRON.stream].flatMap((s) => vendor.records(s).map((r) => r.sku));
    expect(new Set(products.map((p) => p.sku))).toEqual(new Set(expected));

    // Every acknowledged webhook is in the inbox once, processed, and its quantity applied.
    expect(acked.size).toBeGreaterThan(100);
    const { rows: inbox } = await store.db.query<{ dedupe_key: string; status: string }>(`select dedupe_key, status from connectd_engine.webhook_inbox where connector = 'storq'`);
    const keys = inbox.map((r) => r.dedupe_key);
    expect(new Set(keys).size).toBe(keys.length);
    const { rows: levels } = await store.db.query<{ natural_key: string; quantity: string }>(`select natural_key, quantity::text as quantity from connectd.inventory_levels`);
    const levelByKey = new Map(levels.map((l) => [l.natural_key, l.quantity]));
    const missing = [...acked].filter(([key, n]) => !keys.includes(key) || levelByKey.get(`default/W-${n}`) !== String(n));
    expect(missing).toEqual([]);

    // The cron stream: one job per tick (the tick is in each job's payload), though three daemons ticked.
    const { rows: ticks } = await store.db.query<{ tick: string; jobs: number }>(
      `select payload ->> 'scheduled_for' as tick, count(*)::int as jobs from connectd_engine.jobs where stream = $1 group by 1 order by 1`,
      [CRON.stream],
    );
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.filter((t) => t.jobs !== 1)).toEqual([]);
    const tickRuns = vendor.log.filter((r) => r.collection === CRON.stream && r.page === 0).length;
    expect(tickRuns).toBeLessThanOrEqual(ticks.length);
  }, 600_000);

  it('a breaker opened by one daemon keeps the other two from calling the failing vendor until the trial request succeeds', async () => {
    const COOLDOWN_S = 10;
    const vendor = await createFakeMeteredVendor({ ratePerSecond: 1000, burst: 1000, collections: { ping: 1 } });
    vendors.push(vendor);
    const config = writeScaleProject({
      vendorUrl: vendor.url,
      ratePerSecond: 1000,
      burst: 1000,
      streams: [],
      breaker: { failureThreshold: 2, cooldownSeconds: COOLDOWN_S },
      ping: true,
    });
    const databaseUrl = await dbs.createPostgresDatabase();
    const daemons = await startDaemons(3, config, databaseUrl);
    running.push(...daemons);
    const [d1, d2, d3] = daemons as [DaemonProcess, DaemonProcess, DaemonProcess];

    // d1 calls the failing vendor until its breaker opens: two failures (the threshold), then it fails fast.
    vendor.failWith = 503;
    const first = await invokePing(d1.url);
    expect(first.status).not.toBe(200);
    expect(vendor.log.map((r) => [r.client, r.status])).toEqual([
      ['d1', 503],
      ['d1', 503],
    ]);
    const openedAt = vendor.log.at(-1)!.answeredAt;

    // d2 and d3 never call it while it is open: their invocations fail fast, nothing arrives.
    for (const daemon of [d2, d3, d2, d3]) {
      const outcome = await invokePing(daemon.url);
      expect(outcome.status).not.toBe(200);
      // The invocation's attempts all failed fast; the job goes on retrying in the background.
      expect(outcome.code).toBe('CONNECTD_ERR_ACTION_FAILED');
    }
    expect(vendor.log.length, 'requests that reached the vendor while its breaker was open').toBe(2);

    // The vendor recovers; after the cooldown, one daemon's trial reaches it and succeeds, then all call it again.
    vendor.failWith = undefined;
    await waitFor(
      'an invocation through d2 or d3 succeeds',
      async () => {
        const outcomes = await Promise.all([invokePing(d2.url), invokePing(d3.url)]);
        return outcomes.some((o) => o.status === 200);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const trial = vendor.log[2]!;
    expect(trial.status).toBe(200);
    expect(trial.arrivedAt - openedAt).toBeGreaterThanOrEqual(COOLDOWN_S * 1_000 - 50);
    // Nothing else reached the vendor until the trial's answer: one daemon made it, not all.
    expect(vendor.log.slice(3).filter((r) => r.arrivedAt < trial.answeredAt)).toEqual([]);
    await waitFor(
      'd2 and d3 both call the vendor again',
      async () => {
        await Promise.all([invokePing(d2.url), invokePing(d3.url)]);
        const after = vendor.log.slice(3).filter((r) => r.status === 200);
        return after.some((r) => r.client === 'd2') && after.some((r) => r.client === 'd3');
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  }, 300_000);
});
