#!/usr/bin/env node
// Step 4 of the Shopify quickstart: `connectd sync shopify`, every stream of the connector once, in
// the order their `after:` asks (locations, variants, inventory, orders), then the rows that
// landed per table.
//
//   node examples/shopify-quickstart/sync.mjs           (after connect.mjs; daemon stopped)
//
// On the embedded store stop start-daemon.mjs first (Ctrl-C): the store's folder is opened by one
// process at a time. On Postgres (DATABASE_URL) the daemon may keep running: the sync waits for any
// run of the daemon's that is in its way. Exit 0 when every stream succeeded.
import { connectd, requireShopifyVariables } from './settings.mjs';
import { printTables } from './tables.mjs';

requireShopifyVariables();

const run = await connectd(['sync', 'shopify']);
if (run.code !== 0) {
  console.error(`connectd sync shopify exited with ${run.code}`);
  process.exit(1);
}
await printTables();
