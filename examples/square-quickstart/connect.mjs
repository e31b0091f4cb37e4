#!/usr/bin/env node
// Step 3 of the Square quickstart: the merchant connects their Square account to tenant `demo`.
//
//   node examples/square-quickstart/connect.mjs        (with start-daemon.mjs running)
//
// `connectd connect square --tenant demo` prints the link you would send the merchant. This script
// then does what their browser does: the link (the daemon's /oauth/square/start) redirects to
// Square's consent page; the fake Square approves at once as the merchant and redirects to the
// daemon's /oauth/square/callback, which exchanges the code for tokens, stores them encrypted and
// activates the connection `square-demo` with the merchant's id. Last, it shows the connection
// from the admin API (GET /api/connections). Against the real Square (sandbox), whose consent page
// needs a person, it prints the link to open in a browser and waits for the connection instead.
// Exit 0 once the connection is active, 1 otherwise.
import { adminGet, connectd, connectionId, daemonUrl, requireSquareVariables, tenant } from './settings.mjs';

// A person at a real consent page takes a while; the fake answers at once.
const browserWaitMs = 5 * 60_000;
const connectionPollMs = 1_000;
const requestTimeoutMs = 10_000;

requireSquareVariables();

const printed = await connectd(['connect', 'square', '--tenant', tenant]);
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
  const { connections } = await adminGet(`/connections?connector=square&tenant=${tenant}`);
  return connections.find((c) => c.id === connectionId);
}

// The link points at the daemon's public URL; this script reaches the same daemon at daemonUrl.
const start = new URL(link);
const consentPage = await redirectOf(`${daemonUrl}${start.pathname}${start.search}`, 'the daemon');
console.log(`daemon: 302 to Square's consent page ${consentPage.origin}${consentPage.pathname}`);
console.log(`  scopes ${consentPage.searchParams.get('scope')}, redirect ${consentPage.searchParams.get('redirect_uri')}`);

if (['127.0.0.1', 'localhost', '[::1]'].includes(consentPage.hostname)) {
  // The fake Square: the merchant approves, Square sends the browser back with a code.
  const callback = await redirectOf(consentPage, 'Square');
  console.log(`square: merchant approved, 302 to ${callback.origin}${callback.pathname}?code=…&state=…`);
  const answer = await fetch(`${daemonUrl}${callback.pathname}${callback.search}`, { redirect: 'manual', signal: AbortSignal.timeout(requestTimeoutMs) });
  // The page the merchant sees: its <main> as text.
  const main = /<main>([\s\S]*)<\/main>/.exec(await answer.text())?.[1] ?? '';
  const page = main.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  console.log(`daemon: callback answered ${answer.status}${page === '' ? '' : `: ${page.slice(0, 200)}`}`);
  if (answer.status !== 200 && answer.status !== 302) process.exit(1);
} else {
  // A real consent page: a person approves. A connection made earlier changes when they do.
  const earlier = (await connection())?.updatedAt;
  const approved = (c) => c?.status === 'active' && c.updatedAt !== earlier;
  console.log(`\nopen this link in a browser signed in to the seller's account, and approve:\n  ${link}\nwaiting up to ${browserWaitMs / 60_000} minutes for the connection…`);
  const deadline = Date.now() + browserWaitMs;
  while (!approved(await connection()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, connectionPollMs));
}

const connected = await connection();
if (connected === undefined) {
  console.error(`no connection ${connectionId} at the daemon`);
  process.exit(1);
}
const credentials = connected.credentials.map((c) => `${c.kind}${c.expiresAt === null ? '' : ` (expires ${c.expiresAt})`}`).join(', ');
console.log(`GET /api/connections: ${connected.id} tenant ${connected.tenant}, ${connected.status}, merchant ${connected.vendorAccountId}, runtime ${connected.runtime.state}`);
console.log(`  credentials (encrypted at rest): ${credentials}`);
console.log(`connection ${connected.id}: ${connected.status}, merchant ${connected.vendorAccountId}`);
process.exit(connected.status === 'active' ? 0 : 1);
