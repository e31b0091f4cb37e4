#!/usr/bin/env node
// Step 5 of the Square quickstart: stock changes at the merchant's point of sale, and Square tells
// connectd with a signed `inventory.count.updated` webhook.
//
//   node examples/square-quickstart/update-stock.mjs [sku] [quantity] [location]   (default SKU-0001-1 41 Main)
//
// It asks the fake Square (POST $SQUARE_BASE_URL/_quickstart/update-count) to set the count; the
// fake then delivers the event to its webhook subscription ($SQUARE_WEBHOOK_URL, the daemon's
// /webhooks/square) exactly as Square does: the JSON body signed with the subscription's key over
// the notification URL followed by the body (base64 HMAC-SHA256 in x-square-hmacsha256-signature).
// connectd verifies it, stores it, answers 2xx, and routes it to the connection by merchant_id.
// This script then waits until the daemon reports it processed (GET /metrics). Needs
// start-daemon.mjs running. Exit 0 once processed, 1 otherwise.
import { daemonUrl, requireSquareVariables } from './settings.mjs';

const [sku = 'SKU-0001-1', quantityText = '41', location = 'Main'] = process.argv.slice(2);
const quantity = Number(quantityText);
const answerTimeoutMs = 15_000;
const processedTimeoutMs = 30_000;
const metricsPollMs = 250;

if (!Number.isInteger(quantity) || quantity < 0) {
  console.error(`quantity must be a whole number, got ${quantityText}`);
  process.exit(1);
}
requireSquareVariables();

/** Webhooks of the square connector the daemon finished, by outcome (processed, dead, …). */
async function webhookOutcomes() {
  const text = await (await fetch(`${daemonUrl}/metrics`, { signal: AbortSignal.timeout(metricsPollMs * 20) })).text();
  const outcomes = {};
  for (const match of text.matchAll(/^connectd_webhooks_processed_total\{([^}]*)\} (\d+)/gm)) {
    if (!/connector="square"/.test(match[1])) continue;
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

const url = `${process.env.SQUARE_BASE_URL}/_quickstart/update-count`;
console.log(`POST ${url}`);
console.log(`  ${JSON.stringify({ sku, quantity, location })}`);
let change;
try {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sku, quantity, location }),
    signal: AbortSignal.timeout(answerTimeoutMs),
  });
  change = await response.json();
  if (response.status !== 200) {
    console.error(`the fake Square answered ${response.status}: ${JSON.stringify(change)}`);
    process.exit(1);
  }
} catch (err) {
  console.error(`no answer from the fake Square at ${url}: ${err.message} (is start-fake-square.mjs running?)`);
  process.exit(1);
}
console.log(`square: ${change.type} ${change.event_id} (${change.sku} at ${change.location}: ${change.before} -> ${change.after})`);
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
console.log(`webhook ${change.type} ${change.sku} at ${change.location}: ${change.before} -> ${change.after}, answered ${change.status}, processed`);
