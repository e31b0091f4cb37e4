#!/usr/bin/env node
// Step 5 of the Shopify quickstart: the merchant changes stock in the Shopify admin, and Shopify
// tells connectd with a signed `inventory_levels/update` webhook.
//
//   node examples/shopify-quickstart/update-stock.mjs [sku] [available] [location]   (default SKU-0001-YPZ 41 "Main Store")
//
// It asks the fake Shopify (POST <shop origin>/_quickstart/set-available) to set the level; the
// fake then delivers the event to the app's webhook subscription (the daemon's /webhooks/shopify)
// exactly as Shopify does: the REST-shaped JSON body, signed with the app's client secret (base64
// HMAC-SHA256 of the raw body in X-Shopify-Hmac-Sha256), with X-Shopify-Topic,
// X-Shopify-Shop-Domain and a new X-Shopify-Webhook-Id. connectd verifies it, stores it, answers
// 2xx, and routes it to the connection by the shop's domain. This script then waits until the
// daemon reports it processed (GET /metrics). Needs start-daemon.mjs running. Exit 0 once
// processed, 1 otherwise.
import { daemonUrl, requireShopifyVariables, shopOrigin } from './settings.mjs';

const [sku = 'SKU-0001-YPZ', availableText = '41', location = 'Main Store'] = process.argv.slice(2);
const available = Number(availableText);
const answerTimeoutMs = 15_000;
const processedTimeoutMs = 30_000;
const metricsPollMs = 250;

if (!Number.isInteger(available)) {
  console.error(`available must be a whole number, got ${availableText}`);
  process.exit(1);
}
requireShopifyVariables();

/** Webhooks of the shopify connector the daemon finished, by outcome (processed, dead, …). */
async function webhookOutcomes() {
  const text = await (await fetch(`${daemonUrl}/metrics`, { signal: AbortSignal.timeout(metricsPollMs * 20) })).text();
  const outcomes = {};
  for (const match of text.matchAll(/^connectd_webhooks_processed_total\{([^}]*)\} (\d+)/gm)) {
    if (!/connector="shopify"/.test(match[1])) continue;
    const outcome = /outcome="(\w+)"/.exec(match[1])?.[1] ?? 'unknown';
    outcomes[outcome] = (outcomes[outcome] ?? 0) + Number(match[2]);
  }
  return outcomes;
}

let before;
try {
  before = await webhookOutcomes();
} catch (err) {
  console.error(`no answer from ${daemonUrl}/metrics: ${err.message} (is start-daemon.mjs running?)`);
  process.exit(1);
}

const url = `${shopOrigin()}/_quickstart/set-available`;
if (!url.startsWith('http://127.0.0.1') && !url.startsWith('http://localhost')) {
  console.error(`update-stock.mjs works only with the fake Shopify (SHOPIFY_SHOP_URL is ${process.env.SHOPIFY_SHOP_URL || 'unset'}): change stock in the shop's admin instead`);
  process.exit(1);
}
console.log(`POST ${url}`);
console.log(`  ${JSON.stringify({ sku, available, location })}`);
let change;
try {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sku, available, location }),
    signal: AbortSignal.timeout(answerTimeoutMs),
  });
  change = await response.json();
  if (response.status !== 200) {
    console.error(`the fake Shopify answered ${response.status}: ${JSON.stringify(change)}`);
    process.exit(1);
  }
} catch (err) {
  console.error(`no answer from the fake Shopify at ${url}: ${err.message} (is start-fake-shopify.mjs running?)`);
  process.exit(1);
}
console.log(`shopify: ${change.topic} webhook ${change.webhook_id} (${change.sku} at ${change.location}: ${change.before} -> ${change.after})`);
console.log(`  delivered to ${change.delivered_to}: ${change.status} ${change.answer}`);
if (change.status < 200 || change.status > 299) {
  console.error(`connectd refused the webhook (${change.status})`);
  process.exit(1);
}

// Accepted means stored; the daemon applies it a moment later.
const deadline = Date.now() + processedTimeoutMs;
for (;;) {
  const now = await webhookOutcomes();
  const grew = (outcome) => (now[outcome] ?? 0) > (before[outcome] ?? 0);
  if (grew('processed')) break;
  // A retry is tried again; dead or ignored is final.
  if (grew('dead') || grew('ignored')) {
    console.error(`the daemon did not apply the webhook: ${JSON.stringify(now)} (see its log)`);
    process.exit(1);
  }
  if (Date.now() > deadline) {
    console.error(`the webhook was not processed within ${processedTimeoutMs / 1000} s (see the daemon's log)`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, metricsPollMs));
}
console.log(`webhook ${change.topic} ${change.sku} at ${change.location}: ${change.before} -> ${change.after}, answered ${change.status}, processed`);
