#!/usr/bin/env node
// Step 3 of the Shopify quickstart: the merchant installs the app on their shop, connecting it to
// tenant `demo`.
//
//   node examples/shopify-quickstart/connect.mjs [shop]     (with start-daemon.mjs running; default $QUICKSTART_SHOP, else acme-tea.myshopify.com)
//
// `connectd connect shopify --tenant demo --param shop=<shop>` prints the link you would send the
// merchant (connectd checks the shop against ^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$, lower-cased,
// first). This script then does what their browser does: the link (the daemon's
// /oauth/shopify/start) redirects to the shop's install page (https://<shop>/admin/oauth/authorize);
// the fake Shopify approves at once as the merchant and redirects to the daemon's
// /oauth/shopify/callback with Shopify's signed query; the daemon checks its hmac, timestamp and
// shop, exchanges the code for an expiring offline token and its refresh token, stores them
// encrypted and activates the connection `shopify-demo` with the shop's domain. Last, it shows the
// connection from the admin API (GET /api/connections). Against a real store, whose install page
// needs a person, it prints the link to open in a browser and waits for the connection instead.
// Exit 0 once the connection is active, 1 otherwise.
import { adminGet, connectd, connectionId, daemonUrl, requireShopifyVariables, shop as defaultShop, tenant } from './settings.mjs';

// A person at a real install page takes a while; the fake answers at once.
const browserWaitMs = 5 * 60_000;
const connectionPollMs = 1_000;
const requestTimeoutMs = 10_000;

requireShopifyVariables();
const shop = process.argv[2] ?? defaultShop;

const printed = await connectd(['connect', 'shopify', '--tenant', tenant, '--param', `shop=${shop}`]);
const link = printed.stdout.trim().split('\n').pop();
if (printed.code !== 0 || !link?.startsWith('http')) {
  console.error('connectd connect did not print a link');
  process.exit(1);
}

/** One hop of the browser: GET without following, expecting a redirect. */
async function redirectOf(url, who) {
  let response;
  try {
    response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(requestTimeoutMs) });
  } catch (err) {
    console.error(`no answer from ${who} at ${url}: ${err.message}`);
    process.exit(1);
  }
  const body = await response.text();
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    console.error(`${who} answered ${response.status}, not a redirect: ${body.slice(0, 500)}`);
    process.exit(1);
  }
  return new URL(location, url);
}

/** The connection as the admin API shows it (never a token), or undefined before it exists. */
async function connection() {
  const { connections } = await adminGet(`/connections?connector=shopify&tenant=${tenant}`);
  return connections.find((c) => c.id === connectionId);
}

// The link points at the daemon's public URL; this script reaches the same daemon at daemonUrl.
const start = new URL(link);
const installPage = await redirectOf(`${daemonUrl}${start.pathname}${start.search}`, 'the daemon');
console.log(`daemon: 302 to the shop's install page ${installPage.origin}${installPage.pathname}`);
console.log(`  scope ${installPage.searchParams.get('scope')}, redirect ${installPage.searchParams.get('redirect_uri')}`);

if (['127.0.0.1', 'localhost', '[::1]'].includes(installPage.hostname)) {
  // The fake Shopify: the merchant approves, Shopify sends the browser back with a signed query.
  const callback = await redirectOf(installPage, 'Shopify');
  const signed = [...callback.searchParams.keys()].join(', ');
  console.log(`shopify: merchant approved, 302 to ${callback.origin}${callback.pathname} with ${signed} (shop=${callback.searchParams.get('shop')})`);
  const answer = await fetch(`${daemonUrl}${callback.pathname}${callback.search}`, { redirect: 'manual', signal: AbortSignal.timeout(requestTimeoutMs) });
  // The page the merchant sees: its <main> as text.
  const main = /<main>([\s\S]*)<\/main>/.exec(await answer.text())?.[1] ?? '';
  const page = main.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  console.log(`daemon: callback answered ${answer.status}${page === '' ? '' : `: ${page.slice(0, 200)}`}`);
  if (answer.status !== 200 && answer.status !== 302) process.exit(1);
} else {
  // A real install page: a person approves. A connection made earlier changes when they do.
  const earlier = (await connection())?.updatedAt;
  const approved = (c) => c?.status === 'active' && c.updatedAt !== earlier;
  console.log(`\nopen this link in a browser signed in to the shop's admin, and install the app:\n  ${link}\nwaiting up to ${browserWaitMs / 60_000} minutes for the connection…`);
  const deadline = Date.now() + browserWaitMs;
  while (!approved(await connection()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, connectionPollMs));
}

const connected = await connection();
if (connected === undefined) {
  console.error(`no connection ${connectionId} at the daemon`);
  process.exit(1);
}
const credentials = connected.credentials.map((c) => `${c.kind}${c.expiresAt === null ? '' : ` (expires ${c.expiresAt})`}`).join(', ');
console.log(`GET /api/connections: ${connected.id} tenant ${connected.tenant}, ${connected.status}, shop ${connected.vendorAccountId}, runtime ${connected.runtime.state}`);
console.log(`  credentials (encrypted at rest): ${credentials}`);
console.log(`connection ${connected.id}: ${connected.status}, shop ${connected.vendorAccountId}`);
process.exit(connected.status === 'active' ? 0 : 1);
