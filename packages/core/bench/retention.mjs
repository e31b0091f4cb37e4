#!/usr/bin/env node
// Benchmark of retention beside webhook intake: a store seeded with a year of rows (processed
// webhook events, finished jobs, sync runs, dead letters, expired OAuth states), the daemon
// (startDaemon, as `connectd run`) serving signed webhooks under autocannon load; intake latency is
// measured first without a retention pass, then during one (the daemon's own pass, run on demand
// in its process, sharing its pool), and the ratio of the p99s printed. No target is asserted: the
// acceptance asks that intake keeps answering (no non-2xx, no errors) and that its p99 is measured.
//
// Runs on the built dist: `tsc -b && node packages/core/bench/retention.mjs [--backend postgres|pglite|both]
//   [--inbox-rows N] [--duration S] [--connections C]`
// Postgres: DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test; a
// fresh database is created on that server and dropped at the end. PGlite: a temporary data folder.
// The daemon runs in a child process, so autocannon does not share its event loop.
import { fork } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = fileURLToPath(import.meta.url);
const SECRET = 'bench-webhook-secret-0c1d2e3f';
const CONNECTOR = 'storq';
// The timer is off: the only pass is the one the bench asks for (daemon.retentionPass()).
const CONFIG = `version: 1
server:
  retention: { enabled: false }
connectors:
  ${CONNECTOR}:
    webhooks:
      verify: { type: hmac, header: Storq-Signature, algorithm: sha256, encoding: hex, secret: "\${BENCH_WEBHOOK_SECRET}" }
      event_id: $.id
      event_type: $.type
      events:
        stock.updated: { entity: inventory_level, map: '{ "product": data.object.sku, "quantity": data.object.quantity }' }
`;

if (process.argv[2] === '--serve') await serve(process.argv[3], process.argv[4], process.argv[5], JSON.parse(process.argv[6]));
else await main();

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

/**
 * A year of rows, spread evenly over 365 days before now. Live work is seeded so the daemon leaves
 * it alone (received and failed events due in a century, jobs on a queue no worker reads), and
 * sync runs belong to connections of a connector the config does not have.
 */
async function seed(db, inboxRows) {
  const year = `interval '365 days'`;
  await db.query(`insert into connectd_engine.tenants (id) values ('bench')`);
  await db.query(`insert into connectd_engine.connections (id, connector, tenant_id) select 'retired-' || c, 'retired', 'bench' from generate_series(1, 20) c`);
  await db.query(
    `insert into connectd_engine.webhook_inbox (connector, dedupe_key, event_type, headers, raw_body, received_at, status, processed_at, next_attempt_at)
     select '${CONNECTOR}', 'seed-' || g, 'stock.updated', '{"content-type":"application/json"}',
       convert_to('{"id":"seed-' || g || '","type":"stock.updated","data":{"object":{"sku":"SKU-' || (g % 500) || '","quantity":' || (g % 97) || '}}}', 'UTF8'),
       t, s, case when s in ('processed', 'ignored') then t + interval '1 second' end,
       case when s in ('received', 'failed') then now() + interval '100 years' else t end
     from generate_series(1, $1::int) g,
       lateral (select now() - ${year} * g / $1::int as t,
                       (array['processed','processed','processed','processed','processed','processed','ignored','received','failed','dead'])[g % 10 + 1] as s) x`,
    [inboxRows],
  );
  const jobs = Math.round(inboxRows / 5);
  await db.query(
    `insert into connectd_engine.jobs (kind, queue, payload, status, attempts, run_at, finished_at)
     select 'bench', 'bench-retained', jsonb_build_object('g', g), s, 1,
       case when s = 'queued' then now() + interval '100 years' else t end, case when s <> 'queued' then t end
     from generate_series(1, $1::int) g,
       lateral (select now() - ${year} * g / $1::int as t, (array['succeeded','succeeded','succeeded','succeeded','dead','cancelled','queued'])[g % 7 + 1] as s) x`,
    [jobs],
  );
  await db.query(
    `insert into connectd_engine.sync_runs (connection_id, stream, started_at, finished_at, result, records, pages)
     select 'retired-' || c, 'stream_' || s, now() - d * interval '1 day', now() - d * interval '1 day' + interval '2 minutes',
       case when d % 9 = 0 then 'failed' else 'succeeded' end, 100, 1
     from generate_series(1, 20) c, generate_series(1, 5) s, generate_series(1, 365) d`,
  );
  const letters = Math.round(inboxRows / 50);
  await db.query(
    `insert into connectd_engine.dead_letters (source_kind, connector, payload, error_code, reason, created_at, replayed_at)
     select 'webhook', '${CONNECTOR}', jsonb_build_object('g', g), 'CONNECTD_ERR_BENCH', 'seeded', t, case when g % 2 = 0 then t + interval '1 hour' end
     from generate_series(1, $1::int) g, lateral (select now() - ${year} * g / $1::int as t) x`,
    [letters],
  );
  const states = Math.round(inboxRows / 100);
  await db.query(
    `insert into connectd_engine.oauth_states (id, connector, tenant_id, connection_id, redirect_uri, expires_at)
     select 'seed-' || g, '${CONNECTOR}', 'bench', 'retired-1', 'http://localhost/cb', now() - ${year} * g / $1::int
     from generate_series(1, $1::int) g`,
    [states],
  );
  const { rows } = await db.query(
    `select (select count(*) from connectd_engine.webhook_inbox)::int as webhook_inbox, (select count(*) from connectd_engine.jobs)::int as jobs,
       (select count(*) from connectd_engine.dead_letters)::int as dead_letters, (select count(*) from connectd_engine.sync_runs)::int as sync_runs,
       (select count(*) from connectd_engine.oauth_states)::int as oauth_states`,
  );
  return rows[0];
}

/** The child: seeds the store, then runs the daemon on it and runs a retention pass when asked. */
async function serve(backend, target, configPath, { inboxRows }) {
  const { startDaemon, readSettings } = await import('../dist/daemon/index.js');
  const { createLogger } = await import('../dist/log/index.js');
  const { openStore } = await import('../dist/store/index.js');
  const log = createLogger({ level: 'warn' });
  const storeTarget = backend === 'postgres' ? { databaseUrl: target, dataDir: tmpdir() } : { dataDir: target };
  const store = await openStore({ ...storeTarget, log });
  await store.migrate();
  const started = performance.now();
  const seeded = await seed(store.db, inboxRows);
  const seedS = (performance.now() - started) / 1000;
  if (backend === 'postgres') await store.db.query('analyze');
  await store.close();
  const env = {
    ...(backend === 'postgres' ? { DATABASE_URL: target } : { CONNECTD_DATA_DIR: target }),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    BENCH_WEBHOOK_SECRET: SECRET,
  };
  const daemon = await startDaemon({ configPath, env, settings: readSettings(env) });
  process.on('message', async (message) => {
    if (message === 'pass') process.send({ report: await daemon.retentionPass() });
  });
  process.on('disconnect', () => void daemon.stop().finally(() => process.exit(0)));
  process.send({ url: daemon.url, seeded, seedS });
}

function startChild(args) {
  const child = fork(here, ['--serve', ...args], { stdio: 'inherit' });
  const next = () =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`the daemon child exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message);
      });
    });
  return { child, next, stop: () => child.connected && child.disconnect() };
}

/** autocannon with a distinct, correctly signed event per request, until `duration` or stop(). */
async function load(url, { connections, durationS, prefix }) {
  const { default: autocannon } = await import('autocannon');
  let counter = 0;
  let instance;
  const done = new Promise((resolve, reject) => {
    instance = autocannon(
      {
        url,
        connections,
        duration: durationS,
        requests: [
          {
            method: 'POST',
            path: `/webhooks/${CONNECTOR}`,
            setupRequest: (request) => {
              const body = JSON.stringify({ id: `${prefix}-${counter++}`, type: 'stock.updated', data: { object: { sku: `SKU-${counter % 500}`, quantity: counter % 97 } } });
              return { ...request, body, headers: { 'content-type': 'application/json', 'storq-signature': createHmac('sha256', SECRET).update(body).digest('hex') } };
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
  const summary = (result) => ({
    accepted: result['2xx'] / result.duration,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    seconds: result.duration,
  });
  return { stop: () => instance.stop(), result: done.then(summary) };
}

async function benchBackend(backend, { connections, durationS, inboxRows }) {
  const cleanup = [];
  let target;
  if (backend === 'postgres') {
    const serverUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
    const name = `connectd_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    cleanup.push(async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    });
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    target = url.toString();
  } else {
    target = mkdtempSync(join(tmpdir(), 'connectd-bench-data-'));
    cleanup.push(() => rmSync(target, { recursive: true, force: true }));
  }
  const dir = mkdtempSync(join(tmpdir(), 'connectd-bench-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const configPath = join(dir, 'connectors.yaml');
  writeFileSync(configPath, CONFIG);
  const daemon = startChild([backend, target, configPath, JSON.stringify({ inboxRows })]);
  try {
    const { url, seeded, seedS } = await daemon.next();
    await (await load(url, { connections, durationS: 2, prefix: 'warm' })).result;
    const without = await (await load(url, { connections, durationS, prefix: 'without' })).result;
    // During: the load runs from just before the pass starts until it ends.
    const during = await load(url, { connections, durationS: 3600, prefix: 'during' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const passed = daemon.next();
    daemon.child.send('pass');
    const { report } = await passed;
    during.stop();
    return { seeded, seedS, without, during: await during.result, report };
  } finally {
    if (daemon.child.exitCode === null) {
      const exited = new Promise((resolve) => daemon.child.once('exit', resolve));
      daemon.stop();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    }
    for (const step of cleanup.reverse()) await step();
  }
}

async function main() {
  const durationS = Number(option('duration', '10'));
  const connections = Number(option('connections', '16'));
  const inboxRows = Number(option('inbox-rows', '300000'));
  const which = option('backend', 'both');
  const backends = which === 'both' ? ['postgres', 'pglite'] : [which];
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(`retention bench: a year of rows (${fmt(inboxRows)} webhook events), ${connections} connections, intake without a pass for ${durationS} s, then during one pass`);
  for (const backend of backends) {
    const r = await benchBackend(backend, { connections, durationS, inboxRows });
    const seeded = Object.entries(r.seeded).map(([table, n]) => `${table} ${fmt(n)}`).join(', ');
    const line = (label, x) =>
      `  ${label.padEnd(14)}: ${fmt(x.accepted).padStart(6)} webhooks/s   p50 ${x.p50} ms   p99 ${x.p99} ms   max ${x.max} ms   (${x.seconds} s, non-2xx ${x.non2xx}, errors ${x.errors})`;
    console.log(`${backend}: seeded in ${r.seedS.toFixed(1)} s: ${seeded}`);
    console.log(line('without a pass', r.without));
    console.log(line('during a pass', r.during));
    if (r.report === undefined || r.report === null) console.log('  pass          : did not run (failed or another pass was running; see the daemon log)');
    else {
      const deleted = Object.entries(r.report.deleted).map(([table, n]) => `${table} ${fmt(n)}`).join(', ');
      console.log(`  pass          : ${r.report.outcome} in ${(r.report.durationMs / 1000).toFixed(1)} s, ${fmt(r.report.batches)} batches; deleted ${deleted}`);
    }
    console.log(`  p99 ratio     : ${(r.during.p99 / r.without.p99).toFixed(2)} (during / without)`);
  }
}
