#!/usr/bin/env node
// Step 4 of the Square quickstart: `connectd sync square`, every stream of the connector once, in
// the order their `after:` asks (locations, catalog, inventory, orders, payments), then the rows
// that landed per table.
//
//   node examples/square-quickstart/sync.mjs           (after connect.mjs; daemon stopped)
//
// On the embedded store stop start-daemon.mjs first (Ctrl-C): the store's folder is opened by one
// process at a time. On Postgres (DATABASE_URL) the daemon may keep running: the sync waits for any
// run of the daemon's that is in its way. Exit 0 when every stream succeeded.
import { connectd, requireSquareVariables } from './settings.mjs';
import { printTables } from './tables.mjs';

requireSquareVariables();

const run = await connectd(['sync', 'square']);
if (run.code !== 0) {
  console.error(`connectd sync square exited with ${run.code}`);
  process.exit(1);
}
await printTables();
