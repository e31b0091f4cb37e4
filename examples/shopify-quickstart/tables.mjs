#!/usr/bin/env node
// What the Shopify connector left in connectd's tables: rows per table, and with --sku the
// available quantity of one product at each location.
//
//   node examples/shopify-quickstart/tables.mjs [--sku SKU-0001-YPZ]
//
// It opens the store itself (the embedded one in the data folder, or DATABASE_URL), so on the
// embedded store it runs only while no daemon or sync has the folder open. On Postgres the same is
// `psql "$DATABASE_URL" -c "select count(*) from connectd.products where connector = 'shopify'"`.
// sync.mjs prints these too.
import { pathToFileURL } from 'node:url';
import { dataDir, storeDescription } from './settings.mjs';

const TABLES = ['stores', 'products', 'inventory_levels', 'orders', 'transactions'];

/** Rows per table of the `shopify` connector. */
async function counts(db) {
  const rows = {};
  for (const table of TABLES) {
    const { rows: [row] } = await db.query(`select count(*)::int as n from connectd.${table} where connector = 'shopify'`);
    rows[table] = row.n;
  }
  return rows;
}

/** One product's available quantity at each location, by location name (a product's key is its SKU, else its variant id). */
async function levels(db, sku) {
  const { rows } = await db.query(
    `select s.name as location, l.quantity::text as quantity, l.vendor_updated_at
       from connectd.inventory_levels l join connectd.stores s on s.tenant_id = l.tenant_id and s.natural_key = l.store_key
      where l.connector = 'shopify' and l.product_key = $1 order by s.name`,
    [sku],
  );
  return rows;
}

/** Prints the tables (and a product's levels); the lines run-all.mjs and the README show. */
export async function printTables(options = {}) {
  const { createLogger, openStore } = await import('@connectd/core');
  const log = createLogger({ level: 'silent', destination: { write: () => undefined } });
  const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir, log });
  try {
    const n = await counts(store.db);
    console.log(`rows in ${storeDescription()}:`);
    for (const table of TABLES) console.log(`  connectd.${table.padEnd(17)} ${String(n[table]).padStart(4)}`);
    if (options.sku !== undefined) {
      for (const level of await levels(store.db, options.sku)) {
        console.log(`level ${options.sku} at ${level.location}: ${Number(level.quantity)} (Shopify's updated_at ${level.vendor_updated_at.toISOString()})`);
      }
    }
    return n;
  } finally {
    await store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--sku');
  try {
    await printTables(at === -1 ? {} : { sku: process.argv[at + 1] });
  } catch (err) {
    console.error(`cannot read ${storeDescription()}: ${err.code ?? ''} ${err.message}`);
    console.error('On the embedded store, stop the daemon first: one process at a time opens the folder.');
    process.exit(1);
  }
}
