// Outbound delivery throughput, run by bench/changes.mjs after the change feed's cost (or alone:
// `tsc -b && node packages/core/bench/outbound.mjs [--events N]`). N changes are written to the feed
// of a fresh Postgres database, then one OutboundWorker (as the daemon runs it) fans them out to a
// destination and delivers them, signed, to a loopback receiver in a child process (so it does not
// share the worker's event loop) that checks every Standard Webhooks signature and answers 204.
//   many keys   N changes over 1,000 rows: up to DELIVERY_CONCURRENCY events in flight at once
//   one key     N/10 changes of a single row: strictly one after the other, in order
// Prints events/s from the first fan-out to the last 2xx, and checks that each event arrived once
// and each key's events in order.
import { fork } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createFreshDatabase } from './fresh-database.mjs';

const here = fileURLToPath(import.meta.url);
const SECRET = `whsec_${Buffer.from('the bench receiver and connectd share this key').toString('base64')}`;
const MANY_KEYS = 1_000;

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

/** The receiver: verifies each signature, records (position, key) per webhook-id, answers 204. */
function serve() {
  const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
  let received = [];
  let rejected = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = createHmac('sha256', key).update(`${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.${body}`).digest();
      const given = Buffer.from(String(req.headers['webhook-signature']).replace(/^v1,/, ''), 'base64');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        rejected += 1;
        res.writeHead(401).end();
        return;
      }
      const { data } = JSON.parse(body);
      received.push([req.headers['webhook-id'], data.key, data.position]);
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ url: `http://127.0.0.1:${server.address().port}/events` }));
  process.on('message', (message) => {
    if (message === 'report') {
      process.send({ received, rejected });
      received = [];
      rejected = 0;
    }
  });
  process.on('disconnect', () => process.exit(0));
}

async function startReceiver() {
  const child = fork(here, ['--serve'], { stdio: 'inherit' });
  const { url } = await new Promise((resolve) => child.once('message', resolve));
  const report = () =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send('report');
    });
  return { url, report, close: () => child.disconnect() };
}

/** Measures delivery to a loopback receiver and prints it. */
export async function measureOutbound() {
  const events = Number(option('events', 5_000));
  const { openStore } = await import('../dist/store/index.js');
  const { compileDestinations, OutboundWorker, DELIVERY_CONCURRENCY } = await import('../dist/destinations/index.js');
  const { createLogger } = await import('../dist/log/index.js');
  const log = createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) });

  const receiver = await startReceiver();
  const database = await createFreshDatabase();
  const store = await openStore({ databaseUrl: database.url, dataDir: tmpdir(), log });
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  try {
    await store.migrate();
    console.log(`outbound delivery bench: one worker, one destination, a loopback receiver that verifies every signature, Postgres ${store.db.target}`);
    for (const [label, count, keys] of [
      ['many keys', events, MANY_KEYS],
      ['one key', Math.max(1, Math.floor(events / 10)), 1],
    ]) {
      await store.db.exec(`truncate connectd.changes; truncate connectd_engine.outbound_events; delete from connectd_engine.change_cursors;`);
      // The changes as the entity writer appends them (positions 1..count), written in one statement.
      await store.db.query(
        `insert into connectd.changes (position, entity, natural_key, tenant_id, connector, connection_id, operation, changed, before, after, source)
         select p, 'inventory_level', 'SKU-' || (p % $2), 'bench', 'storq', 'storq-bench', 'updated', '{quantity}',
                jsonb_build_object('quantity', p - 1), jsonb_build_object('quantity', p), '{"kind":"sync"}'::jsonb
         from generate_series(1, $1::int) p`,
        [count, keys],
      );
      await store.db.query(`update connectd_engine.change_counter set last = $1`, [count]);
      const worker = new OutboundWorker({ db: store.db, destinations: compileDestinations({ app: { url: receiver.url, secret: SECRET, events: ['*'] } }), log, pollIntervalMs: 10 });
      const started = performance.now();
      while (await worker.tick());
      const seconds = (performance.now() - started) / 1000;
      await worker.stop();
      const { received, rejected } = await receiver.report();
      const ids = new Set(received.map(([id]) => id));
      const last = new Map();
      const inOrder = received.every(([, key, position]) => {
        const ok = (last.get(key) ?? 0) < position;
        last.set(key, position);
        return ok;
      });
      if (ids.size !== count || rejected > 0 || !inOrder) throw new Error(`${label}: ${ids.size} of ${count} events, ${rejected} rejected, in order per key: ${inOrder}`);
      const concurrency = keys === 1 ? 'one at a time' : `up to ${DELIVERY_CONCURRENCY} in flight`;
      console.log(`  ${label.padEnd(10)} ${fmt(count).padStart(6)} events over ${fmt(keys)} key(s), ${concurrency}: ${fmt(count / seconds).padStart(6)} events/s (${seconds.toFixed(1)} s, ${received.length - ids.size} redelivered)`);
    }
  } finally {
    await store.close();
    await database.drop();
    receiver.close();
  }
}

if (process.argv[2] === '--serve') serve();
else if (process.argv[1] === here) await measureOutbound();
