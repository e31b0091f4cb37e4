#!/usr/bin/env node
// Benchmark of the job queue's claim on real Postgres (issue 14, item 3): what the claim order
// costs and whether it is fair. Three scenarios, each on a fresh queue in one fresh database:
//
//   backlog   one connection ("big") with --backlog queued jobs, then one job for each of 20 other
//             connections, enqueued after it. 6 claimers (3 daemons × 2 slots) claim and complete
//             until the queue is empty. Prints claims/s, claim latency p50/p99, and where in the
//             claim order the 20 late jobs came: first-come-first-served puts them after the whole
//             backlog; a fair order puts them among the first claims.
//   spread    --connections connections with 2 queued jobs each: the claim when there are many
//             connections and no backlog (a fair order must not cost per connection).
//   enqueue   the backlog's enqueues, one transaction each: enqueues/s (a fair order may tag jobs
//             when they are enqueued).
//
// `tsc -b && node packages/core/bench/claims.mjs [--backlog 5000] [--connections 1000] [--claimers 6]`
// Postgres: DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test; a
// fresh database is created on that server and dropped at the end. Prints figures; never fails on them.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createLogger } from '../dist/log/index.js';
import { createJobRepository, openStore, upsertDeclaredConnection } from '../dist/store/index.js';

const SMALL_CONNECTIONS = 20;

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

const percentile = (sorted, p) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);

/** Claims and completes with `claimers` concurrent workers until nothing is due; returns the claim order. */
async function drain(jobs, queue, claimers) {
  const order = [];
  const latencies = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: claimers }, async (_, w) => {
      for (;;) {
        const t0 = performance.now();
        const job = await jobs.claim({ queue, kinds: ['bench'], workerId: `w${w}`, leaseMs: 60_000 });
        latencies.push(performance.now() - t0);
        if (job === undefined) return;
        order.push(job);
        await jobs.complete(job, null);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { order, claimsPerSecond: order.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main() {
  const backlog = option('backlog', 5000);
  const spread = option('connections', 1000);
  const claimers = option('claimers', 6);
  const serverUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const name = `connectd_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const log = createLogger({ level: 'silent', destination: { write: () => undefined } });
  const store = await openStore({ databaseUrl: url.toString(), dataDir: tmpdir(), log, maxConnections: claimers + 2 });
  try {
    await store.migrate();
    const jobs = createJobRepository(store.db);
    await upsertDeclaredConnection(store.db, { id: 'big', connector: 'bench', tenantId: 'big' });
    const small = Array.from({ length: SMALL_CONNECTIONS }, (_, i) => `small-${String(i).padStart(2, '0')}`);
    for (const id of small) await upsertDeclaredConnection(store.db, { id, connector: 'bench', tenantId: id });
    const many = Array.from({ length: spread }, (_, i) => `c-${String(i).padStart(5, '0')}`);
    for (const id of many) await upsertDeclaredConnection(store.db, { id, connector: 'bench', tenantId: 'spread' });

    // enqueue + backlog
    let t0 = performance.now();
    for (let i = 0; i < backlog; i++) await jobs.enqueue({ kind: 'bench', queue: 'backlog', connectionId: 'big', payload: { i } });
    const enqueuesPerSecond = backlog / ((performance.now() - t0) / 1000);
    for (const id of small) await jobs.enqueue({ kind: 'bench', queue: 'backlog', connectionId: id });
    await store.db.query('analyze connectd_engine.jobs');
    const b = await drain(jobs, 'backlog', claimers);
    const positions = b.order.map((job, i) => (job.connectionId === 'big' ? -1 : i + 1)).filter((p) => p > 0);

    // spread
    for (let round = 0; round < 2; round++) {
      for (const id of many) await jobs.enqueue({ kind: 'bench', queue: 'spread', connectionId: id });
    }
    await store.db.query('analyze connectd_engine.jobs');
    t0 = performance.now();
    const s = await drain(jobs, 'spread', claimers);

    const fmt = (n) => Math.round(n).toLocaleString('en-US');
    console.log(`claims bench: Postgres ${url.host}, ${claimers} claimers, claim + complete per job`);
    console.log(`  backlog  ${fmt(backlog)} jobs of one connection, then 1 job each of ${SMALL_CONNECTIONS} others`);
    console.log(`           ${fmt(b.claimsPerSecond)} claims/s, claim p50 ${b.p50.toFixed(2)} ms, p99 ${b.p99.toFixed(2)} ms`);
    console.log(`           the ${SMALL_CONNECTIONS} late jobs were claimed at positions ${positions[0]}..${positions.at(-1)} of ${fmt(b.order.length)}`);
    console.log(`  spread   ${fmt(spread)} connections × 2 jobs: ${fmt(s.claimsPerSecond)} claims/s, claim p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`);
    console.log(`  enqueue  ${fmt(enqueuesPerSecond)} enqueues/s (one transaction each, ${fmt(backlog)} jobs of one connection)`);
  } finally {
    await store.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
