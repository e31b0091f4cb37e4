#!/usr/bin/env node
// Step 4 of the storq quickstart: what storq does when stock changes. Builds a `stock.updated`
// event, signs its raw body the way storq does (hex HMAC-SHA256 with the webhook secret, in the
// `Storq-Signature` header) and POSTs it to the running daemon.
//
//   node examples/storq-quickstart/send-webhook.mjs [sku] [quantity]      (default MUG-BLUE 10)
//
// Needs STORQ_WEBHOOK_SECRET (from fake-storq.env). The daemon is at CONNECTD_URL, default
// http://127.0.0.1:${PORT:-3000}. Exit 0 when connectd accepted the event (2xx), 1 otherwise.
import { createHmac, randomBytes } from 'node:crypto';

const [sku = 'MUG-BLUE', quantityText = '10'] = process.argv.slice(2);
const quantity = Number(quantityText);
const secret = process.env.STORQ_WEBHOOK_SECRET;
const daemonUrl = process.env.CONNECTD_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
const deliveryTimeoutMs = 10_000;

if (!Number.isInteger(quantity) || quantity < 0) {
  console.error(`quantity must be a whole number, got ${quantityText}`);
  process.exit(1);
}
if (!secret) {
  console.error('STORQ_WEBHOOK_SECRET is not set: . examples/storq-quickstart/fake-storq.env (see start-fake-storq.mjs)');
  process.exit(1);
}

const now = new Date().toISOString();
// A fresh event id each time: connectd stores each id once, and answers a repeat 200 "duplicate".
const event = {
  id: `evt_quickstart_${randomBytes(6).toString('hex')}`,
  type: 'stock.updated',
  created_at: now,
  data: { object: { sku, quantity, updated_at: now } },
};
// The signature covers these exact bytes, so the body is sent as this string, unchanged.
const rawBody = JSON.stringify(event);
const signature = createHmac('sha256', secret).update(rawBody).digest('hex');
const url = `${daemonUrl}/webhooks/storq`;

console.log(`POST ${url}`);
console.log(`  Storq-Signature: ${signature}`);
console.log(`  ${rawBody}`);

try {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'storq-signature': signature },
    body: rawBody,
    signal: AbortSignal.timeout(deliveryTimeoutMs),
  });
  const answer = await response.text();
  console.log(`webhook ${event.id} (${sku} -> ${quantity}): ${response.status} ${answer}`);
  process.exit(response.ok ? 0 : 1);
} catch (err) {
  console.error(`webhook not delivered to ${url}: ${err.message} (is connectd run listening there?)`);
  process.exit(1);
}
