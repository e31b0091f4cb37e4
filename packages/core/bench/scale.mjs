#!/usr/bin/env node
// Benchmark of scale-out (issue 14, item 4): 1, 2 and 3 `connectd run` children on one Postgres
// database each (fresh per count, dropped after), and per count:
//
//   (a) webhook intake: correctly signed, distinct storq deliveries posted by autocannon to the
//       daemons round robin (the same total of connections, split among them), for --duration
//       seconds after a 2 s warm-up; accepted webhooks/s and p99 latency (the worst daemon's p99).
//   (b) a rate-limited sync of one connection: --streams streams of --pages pages each, enqueued
//       at once, read from a loopback fake (`createFakeMeteredVendor`, in this process) whose token
//       bucket answers 429 when exceeded. connectors.yaml declares the vendor's rate and a burst one
//       token below the vendor's (slack for the network's jitter: a request granted on time must not
//       be refused for arriving a millisecond early). Elapsed is measured at the fake, from the first
//       request to the last (what the budget constrains); the minimum the vendor's bucket allows for
//       n requests is (n − burst) / rate (the bucket starts full). Prints elapsed, minimum, their
//       ratio and the 429 count.
//   (c) jobs claimed twice: jobs with more than one attempt, or more than one sync run (must be 0).
//
// With each intake figure goes where the machine's CPU went in that window (Linux: /proc): the
// daemons, this process (autocannon, signing every body) and the rest (Postgres), in cores, and
// how busy the machine was; a machine already full with one daemon cannot take more with two.
//
// Each figure is also given as a ratio to the 1-daemon figure of the same run. Targets: zero 429s
// and elapsed ≤ 105% of the minimum with 1, 2 and 3 daemons; webhook throughput with 2 daemons at
// least that of 1; 0 jobs claimed twice. Prints figures and whether each target was met; never fails
// on them.
//
// `tsc -b && node packages/core/bench/scale.mjs [--counts 1,2,3] [--duration 10] [--connections 48]
//   [--rate 20] [--burst 10] [--streams 6] [--pages 40]`
// Postgres: TEST_DATABASE_URL, else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createFakeMeteredVendor } from '../dist/testing.js';

const bin = fileURLToPath(new URL('../bin/connectd.js', import.meta.url));
const SECRET = 'bench-scale-webhook-secret-7a3c';
const TARGET_RATIO = 1.05;

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

const COUNTS = option('counts', '1,2,3').split(',').map(Number);
const DURATION_S = Number(option('duration', '10'));
const CONNECTIONS = Number(option('connections', '48'));
const RATE = Number(option('rate', '20'));
const BURST = Number(option('burst', '10'));
const STREAMS = Array.from({ length: Number(option('streams', '6')) }, (_, i) => `s${i + 1}`);
const PAGES = Number(option('pages', '40'));
const SERVER_URL = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** connectors.yaml: `metered` (the rate-limited connection, declared one token below the vendor's burst) and `storq` (webhooks). */
function config(vendorUrl) {
  const stream = (name) => ({
    request: { path: `/${name}` },
    records: '$.items',
    pagination: { type: 'cursor', path: '$.next_cursor', param: 'cursor' },
    entity: 'product',
    map: '{ "sku": sku, "name": name, "price": $number(price), "vendor_id": $string(id), "vendor_updated_at": updated_at }',
  });
  return {
    version: 1,
    connectors: {
      metered: {
        base_url: vendorUrl,
        rate_limit: { rate: `${RATE}/s`, burst: BURST - 1 },
        streams: Object.fromEntries(STREAMS.map((name) => [name, stream(name)])),
      },
      storq: {
        webhooks: {
          verify: { type: 'hmac', header: 'Storq-Signature', algorithm: 'sha256', encoding: 'hex', secret: '${BENCH_WEBHOOK_SECRET}' },
          event_id: '$.id',
          event_type: '$.type',
          events: { 'stock.updated': { entity: 'inventory_level', map: '{ "product": data.object.sku, "quantity": data.object.quantity }' } },
        },
      },
    },
  };
}

/** CPU ticks of the whole machine (busy, total) and of each given process, from /proc; undefined off Linux. */
function cpuTicks(pids) {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const ticks = fields.map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = ticks[3] + (ticks[4] ?? 0);
    const of = (pid) => {
      // utime and stime are fields 14 and 15; the command name before them may hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(after[11]) + Number(after[12]);
    };
    return { busy: total - idle, total, processes: pids.map(of) };
  } catch {
    return undefined;
  }
}

/** Cores used over a window by the daemons, by this process and by everything else, and how busy the machine was. */
function cpuShare(before, after, daemonCount) {
  if (before === undefined || after === undefined) return undefined;
  const cores = availableParallelism();
  const elapsed = (after.total - before.total) / cores;
  const used = after.processes.map((t, i) => (t - before.processes[i]) / elapsed);
  const daemons = used.slice(0, daemonCount).reduce((a, b) => a + b, 0);
  const bench = used[daemonCount];
  const busy = ((after.busy - before.busy) / (after.total - before.total)) * cores;
  return { daemons, bench, rest: Math.max(0, busy - daemons - bench), busyShare: busy / cores };
}

/** `connectd run` on the database; resolves once it logged its URL. Its output is drained for the whole run. */
function startDaemon(databaseUrl, configPath, name) {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', BENCH_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'info', DAEMON_NAME: name };
  const child = spawn(process.execPath, [bin, 'run', '--config', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let started = false;
    const onData = (chunk) => {
      if (output.length < 200_000) output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"connectd is running"/.exec(output);
      if (match !== null && !started) {
        started = true;
        resolve({
          url: match[1],
          pid: child.pid,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      if (!started) reject(new Error(`connectd run exited with ${code}:\n${output}`));
    });
  });
}

/** autocannon against one daemon: distinct, correctly signed deliveries. */
async function load(url, { connections, durationS, prefix }) {
  const { default: autocannon } = await import('autocannon');
  let counter = 0;
  const result = await autocannon({
    url,
    connections,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        path: '/webhooks/storq',
        setupRequest: (request) => {
          const body = JSON.stringify({ id: `${prefix}-${counter++}`, type: 'stock.updated', data: { object: { sku: `SKU-${counter % 500}`, quantity: counter % 97 } } });
          return { ...request, body, headers: { 'content-type': 'application/json', 'storq-signature': createHmac('sha256', SECRET).update(body).digest('hex') } };
        },
      },
    ],
  });
  return { ok: result['2xx'], duration: result.duration, non2xx: result.non2xx, errors: result.errors + result.timeouts, p99: result.latency.p99 };
}

/** The same load split among the daemons at once; accepted/s over the longest instance, the worst p99. */
async function loadAll(daemons, durationS, prefix) {
  const share = Math.max(1, Math.floor(CONNECTIONS / daemons.length));
  const results = await Promise.all(daemons.map((d, i) => load(d.url, { connections: share, durationS, prefix: `${prefix}-${i}` })));
  const seconds = Math.max(...results.map((r) => r.duration));
  return {
    perSecond: results.reduce((n, r) => n + r.ok, 0) / seconds,
    p99: Math.max(...results.map((r) => r.p99)),
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Enqueues a full sync of every stream of `metered` at once and waits until all succeeded. */
async function syncAll(db) {
  await db.query(
    `insert into connectd_engine.jobs (kind, connection_id, stream, payload)
     select 'sync', 'metered', s, jsonb_build_object('connector', 'metered', 'stream', s, 'mode', 'full') from unnest($1::text[]) as s`,
    [STREAMS],
  );
  for (const started = Date.now(); ; await sleep(100)) {
    const { rows } = await db.query(`select count(*) filter (where status = 'succeeded')::int as done, count(*) filter (where status = 'dead')::int as dead from connectd_engine.jobs where kind = 'sync'`);
    if (rows[0].done + rows[0].dead === STREAMS.length) return rows[0].dead;
    if (Date.now() - started > 600_000) throw new Error('the sync did not finish within 10 minutes');
  }
}

/** Waits until the daemons processed every delivery of the intake phase. */
async function drainInbox(db) {
  for (const started = Date.now(); ; await sleep(250)) {
    const { rows } = await db.query(`select count(*)::int as n from connectd_engine.webhook_inbox where status in ('received', 'processing', 'failed')`);
    if (rows[0].n === 0) return;
    if (Date.now() - started > 600_000) throw new Error('the inbox was not processed within 10 minutes');
  }
}

/** Deliveries the daemons' inbox processors have applied so far. */
async function appliedCount(db) {
  const { rows } = await db.query(`select count(*)::int as n from connectd_engine.webhook_inbox where status = 'processed'`);
  return rows[0].n;
}

async function claimedTwice(db) {
  const { rows } = await db.query(
    `select count(*)::int as n from connectd_engine.jobs j
     where j.attempts > 1 or (select count(*) from connectd_engine.sync_runs r where r.job_id = j.id) > 1`,
  );
  return rows[0].n;
}

async function measure(count, admin) {
  const name = `connectd_bench_${randomBytes(5).toString('hex')}`;
  await admin.query(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const vendor = await createFakeMeteredVendor({ ratePerSecond: RATE, burst: BURST, collections: Object.fromEntries(STREAMS.map((s) => [s, PAGES])), pageSize: 10 });
  const dir = mkdtempSync(join(tmpdir(), 'connectd-bench-scale-'));
  const configPath = join(dir, 'connectors.yaml');
  writeFileSync(configPath, JSON.stringify(config(vendor.url), null, 2));
  const db = new pg.Client({ connectionString: databaseUrl });
  const daemons = [];
  try {
    for (let i = 1; i <= count; i++) daemons.push(await startDaemon(databaseUrl, configPath, `d${i}`));
    await db.connect();

    await loadAll(daemons, 2, `warm-${count}`);
    const pids = [...daemons.map((d) => d.pid), process.pid];
    const before = cpuTicks(pids);
    const appliedBefore = await appliedCount(db);
    const webhooks = await loadAll(daemons, DURATION_S, `run-${count}`);
    webhooks.cpu = cpuShare(before, cpuTicks(pids), daemons.length);
    webhooks.appliedPerSecond = ((await appliedCount(db)) - appliedBefore) / DURATION_S;

    // The sync starts once the webhooks are processed, so it is measured on idle daemons.
    await drainInbox(db);
    const dead = await syncAll(db);
    const arrivals = vendor.log.map((r) => r.arrivedAt);
    const elapsedS = (Math.max(...arrivals) - Math.min(...arrivals)) / 1000;
    const minimumS = Math.max(0, vendor.log.length - vendor.log.filter((r) => r.status === 429).length - BURST) / RATE;
    return {
      count,
      webhooks,
      sync: { elapsedS, minimumS, requests: vendor.log.length, refused: vendor.log.filter((r) => r.status === 429).length, dead },
      twice: await claimedTwice(db),
    };
  } finally {
    await Promise.all(daemons.map((d) => d.stop()));
    await db.end().catch(() => undefined);
    await vendor.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const results = [];
  try {
    for (const count of COUNTS) results.push(await measure(count, admin));
  } finally {
    await admin.end();
  }
  const base = results[0];
  const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const served = STREAMS.length * PAGES;
  console.log(`scale bench: ${availableParallelism()} cores (load ${loadavg()[0].toFixed(2)}), Postgres ${new URL(SERVER_URL).host}, a fresh database per count`);
  console.log(`  (a) webhooks: ${CONNECTIONS} connections split among the daemons, ${DURATION_S} s after a 2 s warm-up`);
  console.log(`  (b) sync of one connection: ${STREAMS.length} streams × ${PAGES} pages = ${served} requests; vendor bucket ${RATE}/s, burst ${BURST}; declared ${RATE}/s, burst ${BURST - 1}`);
  console.log(`  ratios (×) are against the ${base.count}-daemon figure of this run\n`);
  const header = ['daemons', 'webhooks/s', '×', 'p99 ms', 'non-2xx', 'sync s', 'min s', '% of min', '×', '429s', 'claimed twice'];
  const rows = results.map((r) => [
    String(r.count),
    fmt(r.webhooks.perSecond),
    (r.webhooks.perSecond / base.webhooks.perSecond).toFixed(2),
    String(r.webhooks.p99),
    String(r.webhooks.non2xx + r.webhooks.errors),
    fmt(r.sync.elapsedS, 2),
    fmt(r.sync.minimumS, 2),
    `${fmt((100 * r.sync.elapsedS) / r.sync.minimumS, 1)}%`,
    (r.sync.elapsedS / base.sync.elapsedS).toFixed(2),
    String(r.sync.refused),
    String(r.twice),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `  ${cells.map((c, i) => c.padStart(widths[i])).join('  ')}`;
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log('');
  console.log('  during the webhook window: deliveries applied by the inbox processors meanwhile (the rest wait in the inbox),');
  console.log('  and CPU in cores (daemons / this process: autocannon and signing / the rest: Postgres), machine busy');
  for (const r of results) {
    const c = r.webhooks.cpu;
    const share = c === undefined ? 'n/a (no /proc)' : `${fmt(c.daemons, 2)} / ${fmt(c.bench, 2)} / ${fmt(c.rest, 2)}, ${fmt(100 * c.busyShare)}% of ${availableParallelism()} cores`;
    console.log(`  ${String(r.count).padStart(7)}  applied ${fmt(r.webhooks.appliedPerSecond).padStart(6)}/s  CPU ${share}`);
  }
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  const paced = results.every((r) => r.sync.refused === 0 && r.sync.elapsedS <= TARGET_RATIO * r.sync.minimumS && r.sync.dead === 0);
  const two = results.find((r) => r.count === 2);
  const one = results.find((r) => r.count === 1);
  console.log('');
  console.log(`  targets: 0×429 and elapsed ≤ ${TARGET_RATIO * 100}% of the minimum with every count: ${verdict(paced)}`);
  if (one !== undefined && two !== undefined) {
    console.log(`           webhooks/s with 2 daemons ≥ with 1: ${verdict(two.webhooks.perSecond >= one.webhooks.perSecond)} (${fmt(two.webhooks.perSecond)} vs ${fmt(one.webhooks.perSecond)}, ×${(two.webhooks.perSecond / one.webhooks.perSecond).toFixed(2)})`);
  }
  console.log(`           0 jobs claimed twice: ${verdict(results.every((r) => r.twice === 0))}`);
}

await main();
