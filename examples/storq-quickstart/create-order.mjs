#!/usr/bin/env node
// Step 5 of the storq quickstart: a fulfilment order at storq, through connectd's admin API
// (`POST /api/actions/storq/create_order`, the body is the action's input).
//
//   node examples/storq-quickstart/create-order.mjs ['<input json>']
//
// Default input: ana@example.com orders two MUG-BLUE as external id shop-1001. The action is
// idempotent on external_id: run it twice and the second answer says "existing", with the same
// storq order. Needs CONNECTD_ADMIN_TOKEN (the daemon's); the daemon is at CONNECTD_URL, default
// http://127.0.0.1:${PORT:-3000}. Exit 0 when the action succeeded, 1 otherwise.

const defaultInput = {
  customer_email: 'ana@example.com',
  external_id: 'shop-1001',
  line_items: [{ sku: 'MUG-BLUE', quantity: 2 }],
};
const adminToken = process.env.CONNECTD_ADMIN_TOKEN;
const daemonUrl = process.env.CONNECTD_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
// The daemon waits for the vendor (with retries) before it answers; storq's preset retries for a while.
const answerTimeoutMs = 120_000;

if (!adminToken) {
  console.error('CONNECTD_ADMIN_TOKEN is not set: start `connectd run` with one and export the same value here');
  process.exit(1);
}
let input = defaultInput;
if (process.argv[2] !== undefined) {
  try {
    input = JSON.parse(process.argv[2]);
  } catch (err) {
    console.error(`the input is not JSON: ${err.message}`);
    process.exit(1);
  }
}

const url = `${daemonUrl}/api/actions/storq/create_order`;
console.log(`POST ${url}`);
console.log(`  ${JSON.stringify(input)}`);

try {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(answerTimeoutMs),
  });
  const answer = await response.text();
  console.log(`${response.status} ${answer}`);
  let outcome;
  try {
    outcome = JSON.parse(answer);
  } catch {
    outcome = undefined;
  }
  if (response.status === 200 && outcome?.status === 'succeeded') {
    console.log(`order ${outcome.result.external_id}: ${outcome.outcome} (storq id ${outcome.result.id}, ${outcome.result.status})`);
    process.exit(0);
  }
  console.error(`create_order did not succeed (HTTP ${response.status})`);
  process.exit(1);
} catch (err) {
  console.error(`no answer from ${url}: ${err.message} (is connectd run listening there?)`);
  process.exit(1);
}
