#!/usr/bin/env node
// Step 1 of the storq quickstart: a fake storq.io on 127.0.0.1, seeded with a few stock rows.
//
//   node examples/storq-quickstart/start-fake-storq.mjs [--no-env-file]
//
// Prints the three variables connectd needs and writes them to fake-storq.env beside this
// script (`. examples/storq-quickstart/fake-storq.env` in another terminal), then serves until
// Ctrl-C or SIGTERM, printing each API request it answers. `--no-env-file` only prints them
// (run-all.mjs reads them from the output). The fake is the one connectd's own tests use:
// @connectd/connector-storq/testing, built by `pnpm build`.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the fake's stock starts as; the README's walk-through shows these numbers. */
const SEEDED_STOCK = [
  { sku: 'CAP-BLACK', quantity: 7 },
  { sku: 'MUG-BLUE', quantity: 12 },
  { sku: 'MUG-RED', quantity: 3 },
  { sku: 'TEE-L', quantity: 0 },
  { sku: 'TEE-M', quantity: 25 },
];

const envFile = join(import.meta.dirname, 'fake-storq.env');
// How often new requests are looked for in the fake's request log, to print them.
const requestLogPollMs = 200;

let testing;
try {
  testing = await import('@connectd/connector-storq/testing');
} catch (err) {
  console.error(`Cannot load @connectd/connector-storq/testing (${err.message}).`);
  console.error('Build the repository first: pnpm install && pnpm build');
  process.exit(1);
}

const storq = await testing.startFakeStorq({ seed: 1 });
storq.setStock(SEEDED_STOCK);

console.log(`fake storq listening on ${storq.url} (API under ${storq.baseUrl})`);
console.log('seeded stock (live mode):');
for (const row of storq.stock()) console.log(`  ${row.sku.padEnd(10)} ${row.quantity}`);

const variables = {
  STORQ_BASE_URL: storq.baseUrl,
  STORQ_API_KEY: storq.liveKey,
  STORQ_WEBHOOK_SECRET: storq.webhookSecret,
};
const exportLines = Object.entries(variables).map(([name, value]) => `export ${name}=${value}`);
console.log('\nconnectd talks to it with these variables:');
for (const line of exportLines) console.log(`  ${line}`);

const writeEnvFile = !process.argv.includes('--no-env-file');
if (writeEnvFile) {
  writeFileSync(envFile, `${exportLines.join('\n')}\n`);
  console.log(`\nwrote ${envFile}; in another terminal: . examples/storq-quickstart/fake-storq.env`);
}
console.log('\nserving until Ctrl-C');

let printed = 0;
const requestLog = setInterval(() => {
  for (const request of storq.requests.slice(printed)) {
    const query = new URLSearchParams(request.query).toString();
    console.log(`storq: ${request.method} ${request.path}${query === '' ? '' : `?${query}`} -> ${request.status}`);
  }
  printed = storq.requests.length;
}, requestLogPollMs);

async function stop(signal) {
  clearInterval(requestLog);
  console.log(`\n${signal}: stopping the fake storq`);
  // A stale file would point the next shell at a port nobody listens on.
  if (writeEnvFile) rmSync(envFile, { force: true });
  await storq.close();
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
