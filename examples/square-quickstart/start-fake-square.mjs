#!/usr/bin/env node
// Step 1 of the Square quickstart: a fake Square (connect.squareup.com) on 127.0.0.1 with one
// seeded merchant, "Fake Square Coffee": two locations, four items of two variations each, a
// stock count per variation and location, six orders and three payments (the same every run).
//
//   node examples/square-quickstart/start-fake-square.mjs [--no-env-file]
//
// It plays Square's Developer Console too: the application's id and secret, the redirect URL
// registered for it (<public URL>/oauth/square/callback) and a webhook subscription to
// <public URL>/webhooks/square with its signature key. It prints the five variables connectd
// needs and writes them to fake-square.env beside this script (`. examples/square-quickstart/fake-square.env`
// in another terminal), then serves until Ctrl-C or SIGTERM, printing each request it answers.
// `--no-env-file` only prints them (run-all.mjs reads them from the output). The public URL comes
// from settings.mjs (PORT, CONNECTD_PUBLIC_URL): start the daemon with the same ones.
//
// Beside Square's API it answers one request Square has no API for, the seller's point of sale
// changing stock: POST /_quickstart/update-count {"sku","quantity","location"} sets the count and
// delivers the signed inventory.count.updated to the subscription, as Square would
// (update-stock.mjs sends it). The fake is the one connectd's own tests use:
// @connectd/connector-square/testing, built by `pnpm build`.
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { notificationUrl, redirectUrl } from './settings.mjs';

/** The fake's seed: the same ids, names, prices, counts and orders every run. */
const FAKE_SEED = 1;
/** What the merchant has besides its main location (the README's walk-through shows these numbers). */
const SECOND_LOCATION = 'Mission';
const SEEDED = { items: 4, variationsPerItem: 2, orders: 6, payments: 3 };

const envFile = join(import.meta.dirname, 'fake-square.env');
// How often new requests are looked for in the fake's request log, to print them.
const requestLogPollMs = 200;

let testing;
try {
  testing = await import('@connectd/connector-square/testing');
} catch (err) {
  console.error(`Cannot load @connectd/connector-square/testing (${err.message}).`);
  console.error('Build the repository first: pnpm install && pnpm build');
  process.exit(1);
}

const square = await testing.startFakeSquare({ seed: FAKE_SEED, redirectUri: redirectUrl });
const merchant = square.merchant();
merchant.addLocation({ name: SECOND_LOCATION });
merchant.seed(SEEDED);

/** The SKU of a variation by its id, for printing. */
const skuOf = new Map(merchant.variations().map((v) => [v.id, v.item_variation_data.sku]));
const locations = merchant.locations();

function printSeed() {
  const who = merchant.merchant();
  console.log(`fake Square listening on ${square.url}`);
  console.log(`merchant ${who.id} "${who.business_name}" (${who.currency})`);
  console.log(`  locations: ${locations.map((l) => `${l.name} ${l.id}`).join(', ')}`);
  console.log(`  stock (IN_STOCK)     ${locations.map((l) => l.name.padStart(8)).join(' ')}`);
  const variations = merchant.items().flatMap((item) => item.item_data.variations.map((variation) => ({ item: item.item_data.name, variation })));
  variations.sort((a, b) => (skuOf.get(a.variation.id) < skuOf.get(b.variation.id) ? -1 : 1));
  for (const { item, variation } of variations) {
    const { sku, name, price_money: price } = variation.item_variation_data;
    const label = `${sku} ${item}, ${name}`.padEnd(36);
    const counts = locations.map((l) => (merchant.counts().find((c) => c.catalog_object_id === variation.id && c.location_id === l.id)?.quantity ?? '-').padStart(8));
    console.log(`    ${label} ${counts.join(' ')}   $${(price.amount / 100).toFixed(2)}`);
  }
  const orders = merchant.orders();
  const lines = orders.reduce((sum, order) => sum + (order.line_items?.length ?? 0), 0);
  console.log(`  orders: ${orders.length} (${lines} lines: ${orders.map((o) => o.state).join(', ')})`);
  console.log(`  payments: ${merchant.payments().length}`);
}

/** Plays the seller's point of sale: sets a count, then Square's webhook for it, signed, to the subscription. */
async function updateCount(request) {
  let input;
  try {
    input = request.json();
  } catch {
    return { status: 400, json: { error: 'the body is not JSON' } };
  }
  const variation = merchant.variations().find((v) => v.item_variation_data.sku === input.sku || v.id === input.sku);
  const location = locations.find((l) => l.name === (input.location ?? 'Main') || l.id === input.location);
  if (variation === undefined || location === undefined || !(Number.isInteger(input.quantity) && input.quantity >= 0)) {
    return { status: 400, json: { error: 'want {"sku": a SKU of the merchant, "quantity": a whole number, "location": a location name or id (default Main)}' } };
  }
  const before = merchant.counts().find((c) => c.catalog_object_id === variation.id && c.location_id === location.id)?.quantity ?? '0';
  const { count, event: seeded } = merchant.updateCount(variation.id, location.id, input.quantity);
  // Square never sends two events with one event_id. This fake, seeded, makes the same ids at
  // every start, and a daemon keeping its store across runs would take a second run's event for a
  // redelivery of the first (200 duplicate, not applied): a fresh id, as Square's would be.
  const event = { ...seeded, event_id: randomUUID() };
  const summary = `${event.type} ${skuOf.get(variation.id)} at ${location.name}: ${before} -> ${count.quantity}`;
  try {
    const delivery = await square.deliver(event, { url: notificationUrl });
    console.log(`square: ${summary}, event ${event.event_id} delivered to ${notificationUrl}: ${delivery.status} ${delivery.body}`);
    return { status: 200, json: { event_id: event.event_id, type: event.type, sku: skuOf.get(variation.id), location: location.name, before, after: count.quantity, delivered_to: notificationUrl, status: delivery.status, answer: delivery.body } };
  } catch (err) {
    console.log(`square: ${summary}, event ${event.event_id} not delivered to ${notificationUrl}: ${err.message}`);
    return { status: 502, json: { event_id: event.event_id, error: `not delivered to ${notificationUrl}: ${err.message}` } };
  }
}
square.server.route('POST', '/_quickstart/update-count', updateCount);

printSeed();
const variables = {
  SQUARE_BASE_URL: square.url,
  SQUARE_APPLICATION_ID: square.applicationId,
  SQUARE_APPLICATION_SECRET: square.applicationSecret,
  SQUARE_WEBHOOK_SIGNATURE_KEY: square.signatureKey,
  SQUARE_WEBHOOK_URL: notificationUrl,
};
const exportLines = Object.entries(variables).map(([name, value]) => `export ${name}=${value}`);
console.log(`\nregistered redirect URL ${redirectUrl}; webhook subscription ${notificationUrl}`);
console.log('connectd talks to it with these variables:');
for (const line of exportLines) console.log(`  ${line}`);

const writeEnvFile = !process.argv.includes('--no-env-file');
if (writeEnvFile) {
  writeFileSync(envFile, `${exportLines.join('\n')}\n`);
  console.log(`\nwrote ${envFile}; in another terminal: . examples/square-quickstart/fake-square.env`);
}
console.log('\nserving until Ctrl-C');

let printed = 0;
const requestLog = setInterval(() => {
  for (const request of square.requests.slice(printed)) {
    // OAuth queries carry the state and the code: the path says enough.
    const query = request.path.startsWith('/oauth2/') ? '' : new URLSearchParams(request.query).toString();
    console.log(`square: ${request.method} ${request.path}${query === '' ? '' : `?${query}`} -> ${request.status}`);
  }
  printed = square.requests.length;
}, requestLogPollMs);

async function stop(signal) {
  clearInterval(requestLog);
  console.log(`\n${signal}: stopping the fake Square`);
  // A stale file would point the next shell at a port nobody listens on.
  if (writeEnvFile) rmSync(envFile, { force: true });
  await square.close();
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
