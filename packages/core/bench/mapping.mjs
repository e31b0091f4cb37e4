#!/usr/bin/env node
// Benchmark of mapping: records per second through mapRecords (JSONata mapping, entity schema
// validation, natural key) against the same pipeline with a hand-written JS mapping, in the same
// run, in pages of 250 as a sync applies them. Two mappings: the storq one (two fields) and a
// typical one (Square inventory counts: $store/$product lookups through a per-run cache, $number,
// five fields). Each JSONata mapping runs twice: as written (simple object mappings take the
// exact fast path of src/mapping/fast-path.ts) and wrapped in `( ... )`, which is outside the
// fast path's subset, so the JSONata engine itself evaluates every record.
//
// Runs on the built dist: `tsc -b && node packages/core/bench/mapping.mjs [--records N] [--rounds R]`.
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { compileMapping, createEntityCatalog, mapRecords } from '../dist/mapping/index.js';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

const RECORDS = option('records', 100_000);
const ROUNDS = option('rounds', 3);
const PAGE_SIZE = 250;

const stores = new Map(Array.from({ length: 20 }, (_, i) => [`LOC${i}`, `store-${i}`]));
const products = new Map(Array.from({ length: 5_000 }, (_, i) => [`VAR${i}`, `SKU-${i}`]));
const bindings = {
  connection: { id: 'conn-1', tenant: 'acme', config: {} },
  // The sync layer's lookups answer from a per-run cache; most calls never reach the database.
  lookups: { store: (id) => stores.get(id), product: (id) => products.get(id) },
};

const at = (i) => new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
const storqRecords = Array.from({ length: RECORDS }, (_, i) => ({ sku: `SKU-${i}`, quantity: i % 100, warehouse: 'main' }));
const squareRecords = Array.from({ length: RECORDS }, (_, i) => ({
  catalog_object_id: `VAR${i % 5_000}`,
  catalog_object_type: 'ITEM_VARIATION',
  location_id: `LOC${i % 20}`,
  quantity: String(i % 100),
  state: 'IN_STOCK',
  calculated_at: at(i),
}));

const SQUARE_MAP =
  '{ "store": $store(location_id), "product": $product(catalog_object_id), "quantity": $number(quantity), "as_of": calculated_at, "vendor_updated_at": calculated_at }';

const cases = [
  {
    name: 'storq stock (2 fields)',
    records: storqRecords,
    jsonata: compileMapping('{ "product": sku, "quantity": quantity }'),
    engine: compileMapping('( { "product": sku, "quantity": quantity } )'),
    js: { expression: 'js', evaluate: async (r) => [{ product: r.sku, quantity: r.quantity }] },
  },
  {
    name: 'square counts (lookups, $number)',
    records: squareRecords,
    jsonata: compileMapping(SQUARE_MAP),
    engine: compileMapping(`( ${SQUARE_MAP} )`),
    js: {
      expression: 'js',
      evaluate: async (r, b) => {
        const store = await b.lookups.store(r.location_id);
        const product = await b.lookups.product(r.catalog_object_id);
        return [{ store, product, quantity: Number(r.quantity), as_of: r.calculated_at, vendor_updated_at: r.calculated_at }];
      },
    },
  },
];

const catalog = createEntityCatalog();
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

async function measure(records, mapping) {
  const started = performance.now();
  let landed = 0;
  for (let i = 0; i < records.length; i += PAGE_SIZE) {
    const page = await mapRecords(records.slice(i, i + PAGE_SIZE), mapping, 'inventory_level', catalog, bindings);
    if (page.failures.length > 0) throw new Error(`unexpected failure: ${page.failures[0].reason}`);
    landed += page.entities.length;
  }
  const seconds = (performance.now() - started) / 1000;
  if (landed !== records.length) throw new Error(`mapped ${landed} of ${records.length}`);
  return records.length / seconds;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
for (const c of cases) {
  // One untimed pass each to warm up the JIT, then the best of ROUNDS alternating runs.
  const best = { jsonata: 0, engine: 0, js: 0 };
  for (const kind of Object.keys(best)) await measure(c.records.slice(0, 10_000), c[kind]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of Object.keys(best)) best[kind] = Math.max(best[kind], await measure(c.records, c[kind]));
  }
  console.log(
    `${c.name.padEnd(34)} jsonata ${fmt(best.jsonata).padStart(9)}/s (${(best.jsonata / best.js).toFixed(2)} of js)` +
      `   jsonata engine only ${fmt(best.engine).padStart(8)}/s (${(best.engine / best.js).toFixed(2)})   js ${fmt(best.js).padStart(9)}/s`,
  );
}
clearInterval(sampler);
console.log(`${RECORDS.toLocaleString('en-US')} records per run, pages of ${PAGE_SIZE}, best of ${ROUNDS}; peak RSS ${Math.round(peakRss / 1024 / 1024)} MB`);
