#!/usr/bin/env node
// Benchmark of the change feed's cost: bench:sync's pipeline (a loopback fake vendor, 250 records a
// page, the HTTP runtime, cursor pagination, the JSONata mapping, the product schema, batched
// upserts with a checkpoint per page into real Postgres, via compileStream + runStream as a sync job
// runs them), with the entity writer appending every change to connectd.changes ("feed on", as the
// daemon runs) and with a writer built without the feed ("feed off", `createEntityWriter(catalog,
// { feed: false })`), in the same run. Every run is a first load into emptied tables, so every
// record is a change: the feed's worst case.
//   one stream      one sync at a time, as bench:sync runs it: the target's measure
//   two streams     two tenants' syncs at once, for information: their transactions take turns on
//                   the feed's counter row from the entity statement to the commit
//                   (docs/architecture.md, "The change feed"), and on 2 cores the two syncs, their
//                   Postgres backends and the vendor fake use every core, so this line shows the
//                   feed's share of the machine's CPU rather than its cost to one sync
//   writes only     for information: the sync's entity write alone, one batch of MAX_PAGES_PER_WRITE
//                   mapped pages per committed transaction (what a write-bound sync merges), with
//                   and without the feed, alternating batch by batch: the feed's cost to Postgres
//                   without the vendor, the mapping and the pipeline, so it moves less between runs
// Prints records/s with and without the feed and the feed's cost. Target: the feed costs <= 15% of
// one sync's throughput.
// Then outbound delivery throughput to a loopback receiver (bench/outbound.mjs, measureOutbound()).
//
// `tsc -b && node packages/core/bench/changes.mjs [--records N] [--rounds R] [--batches B]` (B: the
// "writes only" batches of each kind, default 60)
// Postgres: DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test; a
// fresh database is created for the run and dropped after it.
import { fork } from 'node:child_process';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createFreshDatabase } from './fresh-database.mjs';

const here = fileURLToPath(import.meta.url);
const TOKEN = 'bench-vendor-token-5e8d';
const PAGE_SIZE = 250;
const MAP =
  '{ "sku": sku, "name": name, "price": $number(price), "vendor_id": $string(id), "vendor_updated_at": updated_at }';
const TARGET_COST = 0.15;

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

if (process.argv[2] === '--serve') {
  const { createFakeRecordsVendor, fakeProducts } = await import('../dist/testing/fake-records-vendor.js');
  const vendor = await createFakeRecordsVendor({ path: '/products', recordsKey: 'products', token: TOKEN, records: fakeProducts(Number(process.argv[3])), maxPageSize: PAGE_SIZE });
  process.on('message', () => vendor.clearLog());
  process.on('disconnect', () => process.exit(0));
  process.send({ url: vendor.url });
} else {
  await main();
}

/** The fake vendor in a child process, so it does not share the sync's event loop. */
async function startVendor(records) {
  const child = fork(here, ['--serve', String(records)], { stdio: 'inherit' });
  const { url } = await new Promise((resolve) => child.once('message', resolve));
  return { url, forget: () => child.send('clear'), close: async () => child.disconnect() };
}

async function main() {
  const records = Number(option('records', 50_000));
  const rounds = Number(option('rounds', 5));

  const { openStore, upsertDeclaredConnection } = await import('../dist/store/index.js');
  const { compileStream, runStream } = await import('../dist/sync/index.js');
  const { createEntityCatalog } = await import('../dist/mapping/index.js');
  const { BUILTIN_PAGINATORS } = await import('../dist/pagination/index.js');
  const { createConnectionClient } = await import('../dist/http/index.js');
  const { bearerAuth } = await import('../dist/auth/index.js');
  const { createLogger } = await import('../dist/log/index.js');
  const { createEntityWriter, createSyncStore } = await import('../dist/persist/index.js');

  const log = createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) });
  const vendor = await startVendor(records);
  const database = await createFreshDatabase();
  const store = await openStore({ databaseUrl: database.url, dataDir: tmpdir(), log: log.child({ component: 'store' }) });
  const tenants = ['first', 'second'];

  try {
    await store.migrate();
    for (const tenant of tenants) await upsertDeclaredConnection(store.db, { id: `bench-${tenant}`, connector: 'bench', tenantId: tenant });
    const ctx = { log, signal: AbortSignal.any([]), now: () => new Date() };
    const catalog = createEntityCatalog();
    const compile = (maxPages) =>
      compileStream({
        connector: 'bench',
        name: 'products',
        baseUrl: vendor.url,
        declaration: {
          request: { path: '/products', query: { limit: PAGE_SIZE } },
          records: '$.products',
          pagination: { type: 'cursor', path: '$.next_cursor', param: 'cursor', ...(maxPages === undefined ? {} : { max_pages: maxPages }) },
          entity: 'product',
          map: MAP,
          incremental: { cursor_field: 'updated_at', param: 'updated_since' },
        },
        catalog,
        functions: [],
        paginators: ({ type, ...options }) => BUILTIN_PAGINATORS[type].create(options, ctx),
      });
    const http = createConnectionClient({ name: 'bench:bench', log, auth: bearerAuth.create({ token: TOKEN }, ctx) });
    const connectionOf = (tenant) => ({ connector: 'bench', connection: { id: `bench-${tenant}`, tenant, config: {} }, client: http, templateValues: {}, log });
    const writers = { on: createEntityWriter(catalog), off: createEntityWriter(catalog, { feed: false }) };
    const stores = { on: createSyncStore(store.db, writers.on), off: createSyncStore(store.db, writers.off) };

    /** One first load per tenant at once, into emptied tables; resolves records/s over all of them. */
    async function run(feed, streams, expected, maxPages) {
      await store.db.exec(
        `truncate connectd.products; truncate connectd.changes; update connectd_engine.change_counter set last = 0;
         truncate connectd_engine.vendor_id_map; delete from connectd_engine.checkpoints; delete from connectd_engine.sync_runs;`,
      );
      vendor.forget();
      const started = performance.now();
      const summaries = await Promise.all(tenants.slice(0, streams).map((tenant) => runStream({ stream: compile(maxPages), connection: connectionOf(tenant), store: stores[feed], mode: 'full' })));
      const seconds = (performance.now() - started) / 1000;
      const total = summaries.reduce((n, s) => n + s.records, 0);
      const { rows } = await store.db.query('select (select count(*) from connectd.products)::int as rows, (select count(*) from connectd.changes)::int as changes');
      if (expected !== undefined) {
        const changes = feed === 'on' ? total : 0;
        if (total !== expected * streams || rows[0].rows !== total || rows[0].changes !== changes) {
          throw new Error(`feed ${feed}: expected ${expected * streams} rows and ${changes} changes, got ${total} fetched, ${rows[0].rows} rows, ${rows[0].changes} changes`);
        }
      }
      return total / seconds;
    }

    // Warm up (JIT, pools, prepared upserts) on 20 pages, untimed.
    for (const feed of ['on', 'off']) await run(feed, 1, undefined, 20);

    const fmt = (n) => Math.round(n).toLocaleString('en-US');
    console.log(`change feed bench: ${fmt(records)} records per stream and run, pages of ${PAGE_SIZE}, ${rounds} round(s), first loads (every record a change), Postgres ${store.db.target}`);
    let oneStreamCost;
    for (const streams of [1, 2]) {
      const rates = { on: [], off: [] };
      for (let round = 0; round < rounds; round++) {
        // Alternate the order, so neither always runs first.
        for (const feed of round % 2 === 0 ? ['off', 'on'] : ['on', 'off']) rates[feed].push(await run(feed, streams, records));
      }
      const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const on = mean(rates.on);
      const off = mean(rates.off);
      const cost = 1 - on / off;
      if (streams === 1) oneStreamCost = cost;
      const label = streams === 1 ? 'one stream' : 'two streams';
      console.log(`  ${label.padEnd(12)} feed off ${fmt(off).padStart(7)} records/s (runs: ${rates.off.map(fmt).join(', ')})`);
      console.log(`  ${''.padEnd(12)} feed on  ${fmt(on).padStart(7)} records/s (runs: ${rates.on.map(fmt).join(', ')})  ratio ${(on / off).toFixed(2)}, cost ${(100 * cost).toFixed(1)}%`);
    }
    const writes = await measureWrites(store, writers, compile(), connectionOf(tenants[0]), Number(option('batches', 60)));
    console.log(`  writes only  feed off ${writes.off.toFixed(1).padStart(7)} µs per record, feed on ${writes.on.toFixed(1)} (medians of ${writes.batches} batches of ${fmt(writes.size)} each)  cost ${(100 * (1 - writes.off / writes.on)).toFixed(1)}%`);
    await http.close();
    console.log(`  target: the feed costs <= ${100 * TARGET_COST}% of one sync's throughput (one stream): ${oneStreamCost <= TARGET_COST ? 'met' : 'NOT met'}`);
  } finally {
    await store.close();
    await database.drop();
    await vendor.close();
  }

  const { measureOutbound } = await import('./outbound.mjs');
  await measureOutbound();
}

/**
 * The entity write alone, batch by batch: each batch is the mapped rows of MAX_PAGES_PER_WRITE new
 * pages in one committed transaction, written with the feed and without it in turn (the order
 * alternating), timed from the transaction's start to its commit. The tables are emptied every ten
 * pairs, so every batch is part of a first load of at most 40,000 rows. Resolves the median µs per
 * record of each.
 */
async function measureWrites(store, writers, stream, connection, pairs) {
  const { MAX_PAGES_PER_WRITE } = await import('../dist/sync/run-stream-batches.js');
  const { fakeProducts } = await import('../dist/testing/fake-records-vendor.js');
  const size = MAX_PAGES_PER_WRITE * PAGE_SIZE;
  const WARM_UP = 4;
  const micros = { on: [], off: [] };
  let firstId = 1;
  for (let pair = 0; pair < pairs + WARM_UP; pair++) {
    if (pair % 10 === 0) {
      await store.db.exec(`truncate connectd.products; truncate connectd.changes; update connectd_engine.change_counter set last = 0; truncate connectd_engine.vendor_id_map;`);
    }
    for (const feed of pair % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
      // The bench's mapping looks no vendor id up, so it is given no lookups.
      const { rows } = await stream.mapper.map(fakeProducts(size, { firstId }), { connection: connection.connection, lookups: undefined });
      firstId += size;
      const write = { connector: connection.connector, connection: connection.connection, rows, source: { kind: 'sync', run_id: `writes-${pair}` } };
      const started = performance.now();
      const counts = await store.db.transaction((tx) => writers[feed].write(tx, write));
      if (counts.inserted !== size) throw new Error(`writes only, feed ${feed}: expected ${size} new rows, ${counts.inserted} were written`);
      if (pair >= WARM_UP) micros[feed].push(((performance.now() - started) * 1000) / rows.length);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { on: median(micros.on), off: median(micros.off), batches: pairs, size };
}
