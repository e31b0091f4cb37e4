#!/usr/bin/env node
// Step 1 of the Shopify quickstart: a fake Shopify on 127.0.0.1 with one seeded shop,
// acme-tea.myshopify.com: two retail locations and a fulfilment service's, six products with one
// to three variants each (some without a SKU, two untracked), their stock, three customers and
// four orders (the same ids, names, prices and quantities every run).
//
//   node examples/shopify-quickstart/start-fake-shopify.mjs [--no-env-file]
//
// It plays the app's configuration at Shopify too (the Partner Dashboard, or shopify.app.toml):
// the app's client id and secret, its allowed redirection URL (<public URL>/oauth/shopify/callback)
// and its webhook subscriptions (<public URL>/webhooks/shopify). It prints the variables connectd
// needs and writes them to fake-shopify.env beside this script
// (`. examples/shopify-quickstart/fake-shopify.env` in another terminal), then serves until Ctrl-C
// or SIGTERM, printing each request it answers. `--no-env-file` only prints them (run-all.mjs reads
// them from the output). The public URL comes from settings.mjs (PORT, CONNECTD_PUBLIC_URL): start
// the daemon with the same ones.
//
// Every shop lives under its own path, `http://127.0.0.1:<port>/<shop domain>`: that is the shop's
// origin, where https://<shop domain> would be, so SHOPIFY_SHOP_URL=http://127.0.0.1:<port>/{shop}.
// Beside Shopify's API it answers one request of its own, the merchant changing stock in the
// Shopify admin: POST <shop origin>/_quickstart/set-available {"sku","available","location"} sets
// the level and delivers the signed inventory_levels/update to the subscription, as Shopify would
// (update-stock.mjs sends it). The fake is the one connectd's own tests use:
// @connectd/connector-shopify/testing, built by `pnpm build`.
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { notificationUrl, redirectUrl, shop as shopDomain } from './settings.mjs';

/** The fake's seed: with the shop's domain, it makes the same ids, names, prices, stock and orders every run. */
const FAKE_SEED = 1;

const envFile = join(import.meta.dirname, 'fake-shopify.env');
// How often new requests are looked for in the fake's request log, to print them.
const requestLogPollMs = 200;

let testing;
try {
  testing = await import('@connectd/connector-shopify/testing');
} catch (err) {
  console.error(`Cannot load @connectd/connector-shopify/testing (${err.message}).`);
  console.error('Build the repository first: pnpm install && pnpm build');
  process.exit(1);
}

let shopify;
try {
  // The fake's own defaults: a 1000-point GraphQL budget restoring 50 points a second, a REST
  // bucket of 40 leaking 2 a second, expiring tokens of an hour.
  shopify = await testing.startFakeShopify({ seed: FAKE_SEED, shops: [shopDomain], redirectUris: [redirectUrl] });
} catch (err) {
  console.error(`Cannot start the fake Shopify with the shop ${shopDomain}: ${err.message}`);
  process.exit(1);
}
const shop = shopify.shop(shopDomain);

/** How connectd names a variant's product: its SKU, else its id (the preset's mapping). */
const keyOf = (variant) => (variant.sku ? variant.sku : variant.id);
const productOf = (variant) => shop.products().find((p) => p.id === variant.productId);
const itemOf = (variant) => shop.inventoryItems().find((i) => i.id === variant.inventoryItemId);
/** A variant's name in connectd.products: the product's title, with the variant's unless it is the only one. */
const nameOf = (variant) => (variant.title === 'Default Title' ? productOf(variant).title : `${productOf(variant).title} - ${variant.title}`);

/** Characters of a variant's label in the stock table. */
const LABEL_WIDTH = 48;

function printSeed() {
  const info = shop.info();
  const locations = shop.locations();
  console.log(`fake Shopify listening on ${shopify.url}`);
  console.log(`shop ${info.domain} "${info.name}" (${info.currency}), id ${info.id}, origin ${shopify.shopUrl(info.domain)}`);
  console.log(`  locations: ${locations.map((l) => `${l.name} ${l.id}${l.fulfillmentService ? ' (fulfilment service)' : ''}`).join(', ')}`);
  const widths = locations.map((l) => Math.max(l.name.length, 6));
  console.log(`  available (null: untracked, -: not stocked there)${' '.repeat(LABEL_WIDTH - 46)}${locations.map((l, i) => l.name.padStart(widths[i])).join('  ')}     price`);
  for (const variant of shop.variants()) {
    const tracked = itemOf(variant).tracked;
    const cells = locations.map((l, i) => {
      const level = shop.level(variant.inventoryItemId, l.id);
      return (level === undefined ? '-' : String(level.available)).padStart(widths[i]);
    });
    const label = `${keyOf(variant)} ${nameOf(variant)}`.slice(0, LABEL_WIDTH).padEnd(LABEL_WIDTH);
    const notes = [tracked ? '' : 'untracked', variant.sku ? '' : 'no SKU', productOf(variant).status === 'active' ? '' : productOf(variant).status].filter(Boolean);
    console.log(`    ${label}${cells.join('  ')}  ${`$${variant.price}`.padStart(8)}${notes.length === 0 ? '' : `  (${notes.join(', ')})`}`);
  }
  const orders = shop.orders();
  const lines = orders.reduce((sum, order) => sum + order.lineItems.length, 0);
  const statuses = orders.map((o) => `${o.name} ${o.cancelledAtMs === null ? (o.fulfillmentStatus ?? 'unfulfilled') : 'cancelled'}`);
  console.log(`  products: ${shop.products().length}, variants: ${shop.variants().length}, levels: ${shop.levels().length}`);
  console.log(`  orders: ${orders.length} (${lines} lines: ${statuses.join(', ')})`);
  console.log(`  customers: ${shop.customers().length}`);
}

/** Plays the merchant in the Shopify admin: sets a level, then Shopify's signed inventory_levels/update to the subscription. */
async function setAvailable(request) {
  let input;
  try {
    input = request.json();
  } catch {
    return { status: 400, json: { error: 'the body is not JSON' } };
  }
  const variant = shop.variants().find((v) => (v.sku !== null && v.sku !== '' && v.sku === input.sku) || v.id === input.sku);
  const locations = shop.locations();
  const location = input.location === undefined ? locations[0] : locations.find((l) => l.name === input.location || l.id === input.location);
  if (variant === undefined || location === undefined || !Number.isInteger(input.available)) {
    return { status: 400, json: { error: 'want {"sku": a SKU or variant id of the shop, "available": a whole number, "location": a location name or id (default the first)}' } };
  }
  const before = shop.level(variant.inventoryItemId, location.id)?.available ?? null;
  const { value: level, event } = shop.setAvailable(variant.inventoryItemId, location.id, input.available);
  const sku = keyOf(variant);
  const summary = `${event.topic} ${sku} at ${location.name}: ${before} -> ${level.available}`;
  // Shopify gives every delivery its own X-Shopify-Webhook-Id, which connectd deduplicates on. This
  // seeded fake would make the same ids at every start, and a daemon keeping its store across runs
  // would take a second run's delivery for a redelivery of the first: a fresh id, as Shopify's is.
  const webhookId = randomUUID();
  try {
    const delivery = await shopify.deliver(event, { url: notificationUrl, webhookId });
    console.log(`shopify: ${summary}, webhook ${webhookId} delivered to ${notificationUrl}: ${delivery.status} ${delivery.body}`);
    return {
      status: 200,
      json: { topic: event.topic, webhook_id: webhookId, sku, location: location.name, before, after: level.available, delivered_to: notificationUrl, status: delivery.status, answer: delivery.body },
    };
  } catch (err) {
    console.log(`shopify: ${summary}, webhook ${webhookId} not delivered to ${notificationUrl}: ${err.message}`);
    return { status: 502, json: { webhook_id: webhookId, error: `not delivered to ${notificationUrl}: ${err.message}` } };
  }
}
shopify.server.route('POST', `/${shopDomain}/_quickstart/set-available`, setAvailable);

printSeed();
// SHOPIFY_SHOP_URL keeps its {shop} for connectd to fill in; quoted so no shell touches it.
const variables = {
  SHOPIFY_SHOP_URL: `'${shopify.url}/{shop}'`,
  SHOPIFY_CLIENT_ID: shopify.clientId,
  SHOPIFY_CLIENT_SECRET: shopify.clientSecret,
};
const exportLines = Object.entries(variables).map(([name, value]) => `export ${name}=${value}`);
console.log(`\napp configuration: allowed redirection URL ${redirectUrl}; webhook subscriptions to ${notificationUrl}`);
console.log('connectd talks to it with these variables:');
for (const line of exportLines) console.log(`  ${line}`);

const writeEnvFile = !process.argv.includes('--no-env-file');
if (writeEnvFile) {
  writeFileSync(envFile, `${exportLines.join('\n')}\n`);
  console.log(`\nwrote ${envFile}; in another terminal: . examples/shopify-quickstart/fake-shopify.env`);
}
console.log('\nserving until Ctrl-C');

/** One line per request: GraphQL queries by operation name, with their cost. */
function describe(request) {
  if (request.kind === 'graphql') {
    const operation = /^\s*(?:query|mutation)\s+(\w+)/.exec(typeof request.body?.query === 'string' ? request.body.query : '')?.[1] ?? 'query';
    const cost = request.throttled ? 'THROTTLED' : `cost ${request.requestedCost ?? '?'} requested, ${request.actualCost ?? '?'} actual`;
    return `${request.method} ${request.path} ${operation} -> ${request.status} (${cost})`;
  }
  // OAuth queries carry the state and the code: the path says enough.
  const query = request.kind === 'oauth' ? '' : new URLSearchParams(request.query).toString();
  return `${request.method} ${request.path}${query === '' ? '' : `?${query}`} -> ${request.status}`;
}

let printed = 0;
const requestLog = setInterval(() => {
  for (const request of shopify.requests.slice(printed)) console.log(`shopify: ${describe(request)}`);
  printed = shopify.requests.length;
}, requestLogPollMs);

async function stop(signal) {
  clearInterval(requestLog);
  console.log(`\n${signal}: stopping the fake Shopify`);
  // A stale file would point the next shell at a port nobody listens on.
  if (writeEnvFile) rmSync(envFile, { force: true });
  await shopify.close();
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
