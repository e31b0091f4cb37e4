#!/usr/bin/env node
// Benchmark of webhook intake: correctly signed, distinct events (hex HMAC-SHA256 of the body)
// posted by autocannon to `connectd run` on real Postgres; prints accepted webhooks/s and p50/p99
// latency, then the same for a baseline measured in the same run: a minimal node:http server doing
// the same HMAC check and the same single INSERT per request into the same inbox table. Targets on
// a 2-core machine: >= 3,000 webhooks/s, p99 <= 50 ms, ratio to the baseline >= 0.8.
//
// Runs on the built dist: `tsc -b && node packages/core/bench/webhooks.mjs [--duration S] [--connections C]`
// Postgres: DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test; a
// fresh database is created on that server and dropped at the end.
// Servers run in child processes, so autocannon does not share their event loop.
import { fork, spawn } from 'node:child_process';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = fileURLToPath(import.meta.url);
const bin = fileURLToPath(new URL('../bin/connectd.js', import.meta.url));
const SECRET = 'bench-webhook-secret-0c1d2e3f';
const CONNECTOR = 'storq';
const CONFIG = `version: 1
connectors:
  ${CONNECTOR}:
    webhooks:
      verify: { type: hmac, header: Storq-Signature, algorithm: sha256, encoding: hex, secret: "\${BENCH_WEBHOOK_SECRET}" }
      event_id: $.id
      event_type: $.type
      events:
        stock.updated: { entity: inventory_level, map: '{ "product": data.object.sku, "quantity": data.object.quantity }' }
`;

if (process.argv[2] === '--serve-baseline') await serveBaseline(process.argv[3]);
else if (process.argv[2] === '--serve-app') await serveApp(process.argv[3]);
else await main();

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

/** The baseline: node:http, the same HMAC check, one INSERT per request, answered after it returns. */
async function serveBaseline(databaseUrl) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const key = Buffer.from(SECRET, 'utf8');
  const sql = `insert into connectd_engine.webhook_inbox (connector, dedupe_key, event_type, headers, raw_body)
    values ($1, $2, $3, $4, $5) on conflict (connector, dedupe_key) do nothing returning id`;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const given = Buffer.from(String(req.headers['storq-signature'] ?? ''), 'hex');
      const expected = createHmac('sha256', key).update(body).digest();
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(401).end();
        return;
      }
      try {
        const event = JSON.parse(body.toString('utf8'));
        const { rows } = await pool.query(sql, [CONNECTOR, String(event.id), event.type ?? null, JSON.stringify({ 'content-type': req.headers['content-type'] }), body]);
        const payload = rows.length === 0 ? '{"status":"duplicate"}' : `{"status":"accepted","id":"${rows[0].id}"}`;
        res.writeHead(rows.length === 0 ? 200 : 202, { 'content-type': 'application/json' }).end(payload);
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send({ url: `http://127.0.0.1:${server.address().port}` }));
  process.on('disconnect', () => process.exit(0));
}

/** Fallback while `connectd run` does not serve webhooks: the daemon's HTTP server with the intake route, on the same store. */
async function serveApp(databaseUrl) {
  const { buildHttpServer, createMetrics } = await import('../dist/daemon/index.js');
  const { createLogger } = await import('../dist/log/index.js');
  const { openStore } = await import('../dist/store/index.js');
  const { createInboxWriter } = await import('../dist/persist/index.js');
  const { compileDeliveryKeys, createWebhookMetrics, hmacVerifier, registerWebhookIntake } = await import('../dist/webhooks/index.js');
  const log = createLogger({ level: 'warn' });
  const store = await openStore({ databaseUrl, dataDir: tmpdir(), log });
  await store.migrate();
  const metrics = createMetrics('bench');
  const ctx = { log, signal: AbortSignal.any([]), now: () => new Date() };
  const connectors = new Map([[CONNECTOR, { verifier: hmacVerifier.create({ header: 'Storq-Signature', secret: SECRET }, ctx), keys: compileDeliveryKeys({ event_id: '$.id', event_type: '$.type' }, `connectors.${CONNECTOR}.webhooks`) }]]);
  const app = buildHttpServer({
    log, metrics, adminToken: undefined, isReady: () => store.isReady(), status: async () => ({}),
    routes: [(scope) => registerWebhookIntake(scope, { connectors, inbox: createInboxWriter(store.db), log, metrics: createWebhookMetrics(metrics.registry) })],
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  process.send({ url });
  process.on('disconnect', () => process.exit(0));
}

function startChild(args) {
  const child = fork(here, args, { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', ({ url }) => resolve({ url, stop: () => child.kill('SIGTERM') }));
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

/** `connectd run` on the bench database; resolves once it logged its URL. */
function startDaemon(databaseUrl, configPath) {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', BENCH_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, [bin, 'run', '--config', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      if (output.length < 100_000) output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"connectd is running"/.exec(output);
      if (match !== null && !child.started) {
        child.started = true;
        resolve({ url: match[1], stop: () => child.kill('SIGTERM'), output: () => output });
      }
    };
    // Keep draining the pipes for the whole run: a full pipe would block the daemon's logger.
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (!child.started) reject(new Error(`connectd run exited with ${code}:\n${output}`));
    });
  });
}

async function signedProbe(url) {
  const body = JSON.stringify({ id: `probe-${randomBytes(4).toString('hex')}`, type: 'stock.updated' });
  const res = await fetch(`${url}/webhooks/${CONNECTOR}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'storq-signature': createHmac('sha256', SECRET).update(body).digest('hex') },
  });
  return res.status;
}

/** Runs autocannon with a distinct, correctly signed event per request. */
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
        path: `/webhooks/${CONNECTOR}`,
        setupRequest: (request) => {
          const body = JSON.stringify({ id: `${prefix}-${counter++}`, type: 'stock.updated', data: { object: { sku: `SKU-${counter % 500}`, quantity: counter % 97 } } });
          return {
            ...request,
            body,
            headers: { 'content-type': 'application/json', 'storq-signature': createHmac('sha256', SECRET).update(body).digest('hex') },
          };
        },
      },
    ],
  });
  return {
    accepted: result['2xx'] / result.duration,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

async function inboxRows(db, prefix) {
  const { rows } = await db.query(`select count(*)::int as n from connectd_engine.webhook_inbox where dedupe_key like $1`, [`${prefix}-%`]);
  return rows[0].n;
}

async function main() {
  const durationS = Number(option('duration', '10'));
  const connections = Number(option('connections', '48'));
  const serverUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const name = `connectd_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const dir = mkdtempSync(join(tmpdir(), 'connectd-bench-'));
  const configPath = join(dir, 'connectors.yaml');
  writeFileSync(configPath, CONFIG);
  const db = new pg.Client({ connectionString: databaseUrl });
  let server;
  try {
    // connectd run; when its intake is not wired yet, the daemon's HTTP server with the route.
    let target = 'connectd run';
    server = await startDaemon(databaseUrl, configPath);
    if ((await signedProbe(server.url)) === 404) {
      server.stop();
      target = 'in-process app (buildHttpServer + registerWebhookIntake in a child; connectd run does not serve webhooks yet)';
      server = await startChild(['--serve-app', databaseUrl]);
    }
    await db.connect();
    await load(server.url, { connections, durationS: 2, prefix: 'warm-d' });
    const daemon = await load(server.url, { connections, durationS, prefix: 'run-d' });
    const daemonRows = await inboxRows(db, 'run-d');
    server.stop();
    server = undefined;

    await db.query('truncate connectd_engine.webhook_inbox');
    server = await startChild(['--serve-baseline', databaseUrl]);
    await load(server.url, { connections, durationS: 2, prefix: 'warm-b' });
    const baseline = await load(server.url, { connections, durationS, prefix: 'run-b' });
    const baselineRows = await inboxRows(db, 'run-b');
    server.stop();
    server = undefined;

    const fmt = (n) => Math.round(n).toLocaleString('en-US');
    const line = (label, r, rows) =>
      `  ${label.padEnd(13)}: ${fmt(r.accepted).padStart(6)} webhooks/s accepted   p50 ${r.p50} ms   p99 ${r.p99} ms   (non-2xx ${r.non2xx}, errors ${r.errors}, rows ${fmt(rows)})`;
    const ratio = daemon.accepted / baseline.accepted;
    const verdict = (ok) => (ok ? 'met' : 'NOT met');
    console.log(`webhooks bench: ${durationS} s per side after a 2 s warm-up, ${connections} connections, Postgres ${url.host}, signed distinct events`);
    console.log(`  target       : ${target}`);
    console.log(line('connectd', daemon, daemonRows));
    console.log(line('baseline', baseline, baselineRows));
    console.log(`  ratio        : ${ratio.toFixed(3)} (target >= 0.8: ${verdict(ratio >= 0.8)})`);
    console.log(`  throughput   : target >= 3,000 webhooks/s: ${verdict(daemon.accepted >= 3000)}; p99 target <= 50 ms: ${verdict(daemon.p99 <= 50)}`);
  } finally {
    server?.stop();
    await db.end().catch(() => undefined);
    // Give the servers a moment to close their pools before the database is dropped.
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
