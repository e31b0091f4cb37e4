#!/usr/bin/env node
// The whole Shopify quickstart in one go, each step a child process exactly as the README runs it:
//
//   1. start-fake-shopify.mjs   a fake Shopify on 127.0.0.1 with one seeded shop, acme-tea.myshopify.com
//   2. start-daemon.mjs         connectd run on the bundled connectors.yaml, on a free port
//   3. connect.mjs              connectd connect shopify --tenant demo --param shop=acme-tea.myshopify.com,
//                               the merchant installs the app, the connection shopify-demo is active
//                               with the shop's domain; then the daemon is stopped (SIGTERM): the
//                               embedded store is opened by one process at a time
//   4. sync.mjs                 connectd sync shopify: every stream, then rows per table
//   5. start-daemon.mjs again, update-stock.mjs: a signed inventory_levels/update from the fake
//                               (SKU-0001-YPZ at Main Store -> 41), answered 2xx and processed
//   6. connectd status          asked of the running daemon; then the daemon stops, and
//                               tables.mjs reads the level the webhook wrote
//
//   node examples/shopify-quickstart/run-all.mjs
//
// Data goes to DATABASE_URL when set, else to CONNECTD_DATA_DIR when set, else to a new temporary
// folder (printed at the end, so you can look inside). The daemon listens on PORT when set, else a
// free port. Exit 0 with a summary, or 1 naming the step that failed. Everything listens on
// 127.0.0.1; every wait is bounded; children (and theirs) die with it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const exampleDir = import.meta.dirname;
const repoRoot = join(exampleDir, '..', '..');
const script = (name) => join(exampleDir, name);

/** What update-stock.mjs changes, and to what: a product of the seeded shop (its SKU) at one of its locations. */
const WEBHOOK_SKU = 'SKU-0001-YPZ';
const WEBHOOK_AVAILABLE = '41';
const WEBHOOK_LOCATION = 'Main Store';

const fakeStartTimeoutMs = 20_000;
const stepTimeoutMs = 120_000;
const daemonStartTimeoutMs = 60_000;
const daemonStopTimeoutMs = 30_000;

/** Children still alive, killed with their own children when this script exits for any reason. */
const children = new Set();
process.on('exit', () => {
  for (const child of children) killGroup(child, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`);
    process.exit(1);
  });
}

class StepFailed extends Error {}

/** Each child leads its own process group, so the connectd processes a step starts die with it. */
function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Starts `node <args>` with its output echoed under `label`; `lines` collects it. */
function start(label, args, env) {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  const run = { child, label, lines: [], exited: undefined, onLine: () => undefined };
  run.exited = new Promise((resolve) => {
    child.on('error', () => resolve(null));
    child.on('exit', (code) => {
      children.delete(child);
      resolve(code);
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk) => {
      const parts = (pending + chunk.toString()).split('\n');
      pending = parts.pop();
      for (const line of parts) {
        run.lines.push(line);
        console.log(`  [${label}] ${readable(line)}`);
        run.onLine(line);
      }
    });
  }
  return run;
}

/** The daemon logs JSON lines; show their message and the fields a reader cares about. */
function readable(line) {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line);
    const fields = ['url', 'connector', 'connectionId', 'vendorAccountId', 'stream', 'event', 'method', 'status', 'code', 'missing'];
    const extra = fields.filter((key) => entry[key] !== undefined);
    return `${entry.msg}${extra.length === 0 ? '' : ` (${extra.map((key) => `${key}=${JSON.stringify(entry[key])}`).join(', ')})`}`;
  } catch {
    return line;
  }
}

function withTimeout(promise, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new StepFailed(`${what}: no result within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const shown = (args) => `node ${args.map((arg) => arg.replace(repoRoot + '/', '')).join(' ')}`;

/** Runs one step to completion; fails unless it exits 0. */
async function step(label, args, env, timeoutMs = stepTimeoutMs) {
  console.log(`\n==> ${label}: ${shown(args)}`);
  const run = start(label, args, env);
  try {
    const code = await withTimeout(run.exited, timeoutMs, label);
    if (code !== 0) throw new StepFailed(`${label} exited with ${code}`);
  } finally {
    killGroup(run.child, 'SIGKILL');
  }
  return run.lines.join('\n');
}

/** Starts a long-running child and resolves once one of its lines matches `ready`. */
function startUntil(label, args, env, ready, timeoutMs) {
  console.log(`\n==> ${label}: ${shown(args)}`);
  const run = start(label, args, env);
  const matched = new Promise((resolve, reject) => {
    run.onLine = (line) => {
      const match = ready.exec(line);
      if (match !== null) resolve(match);
    };
    void run.exited.then((code) => reject(new StepFailed(`${label} exited with ${code} before it was ready`)));
  });
  return withTimeout(matched, timeoutMs, `${label} to be ready`).then((match) => ({ run, match }));
}

/** Stops a long-running child with SIGTERM and resolves with its exit code. */
async function stop(run, timeoutMs) {
  if (!children.has(run.child)) return run.exited;
  run.child.kill('SIGTERM');
  return withTimeout(run.exited, timeoutMs, `${run.label} to stop`);
}

async function stopDaemon(daemon) {
  console.log('\n==> stop the daemon (SIGTERM)');
  const code = await stop(daemon.run, daemonStopTimeoutMs);
  if (code !== 0) throw new StepFailed(`the daemon exited with ${code} after SIGTERM`);
}

const startDaemon = (env) => startUntil('connectd', [script('start-daemon.mjs')], env, /"msg":"connectd is running"/, daemonStartTimeoutMs);

/** A free port on 127.0.0.1 for the daemon: its public URL (redirect and webhook URLs) must be known before it starts. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(String(port)));
    });
  });
}

function matchOrFail(pattern, output, what) {
  const match = pattern.exec(output);
  if (match === null) throw new StepFailed(`${what} did not print ${pattern}`);
  return match;
}

/** A value of the fake's `export NAME=value` lines, without the quotes that keep a shell off `{shop}`. */
const unquoted = (value) => value.replace(/^'(.*)'$/, '$1');

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function main() {
  const built = ['packages/core/dist/index.js', 'packages/connector-shopify/dist/testing/index.js'].every((path) => existsSync(join(repoRoot, path)));
  if (!built) throw new StepFailed('connectd is not built: run `pnpm install && pnpm build` (or `npm start` once) first');
  const store = process.env.DATABASE_URL
    ? { env: {}, where: 'Postgres at DATABASE_URL' }
    : (() => {
        const dataDir = process.env.CONNECTD_DATA_DIR || mkdtempSync(join(tmpdir(), 'connectd-shopify-quickstart-'));
        return { env: { CONNECTD_DATA_DIR: dataDir }, where: `the embedded store in ${dataDir}` };
      })();
  const port = process.env.PORT || (await freePort());
  console.log(`shopify quickstart: data goes to ${store.where}; the daemon listens on 127.0.0.1:${port}`);
  // The quickstart's shop is the fake's: a QUICKSTART_SHOP meant for a development store does not apply.
  const { QUICKSTART_SHOP: _ignored, ...inherited } = process.env;
  const baseEnv = { ...inherited, ...store.env, PORT: port };

  const fake = await startUntil('shopify', [script('start-fake-shopify.mjs'), '--no-env-file'], baseEnv, /^serving until/, fakeStartTimeoutMs);
  const variables = Object.fromEntries(fake.run.lines.map((line) => /^\s*export (SHOPIFY_\w+)=(.*)$/.exec(line)).filter(Boolean).map((m) => [m[1], unquoted(m[2])]));
  const env = { ...baseEnv, ...variables };

  let daemon = await startDaemon(env);
  const connectOutput = await step('connect', [script('connect.mjs')], env);
  const connection = matchOrFail(/^connection (\S+): (\w+), shop (\S+)$/m, connectOutput, 'connect.mjs');
  await stopDaemon(daemon);

  const syncOutput = await step('sync', [script('sync.mjs')], env);
  const rows = Object.fromEntries([...syncOutput.matchAll(/^\s*connectd\.(\w+) +(\d+)/gm)].map((m) => [m[1], Number(m[2])]));

  daemon = await startDaemon(env);
  const webhookOutput = await step('update stock', [script('update-stock.mjs'), WEBHOOK_SKU, WEBHOOK_AVAILABLE, WEBHOOK_LOCATION], env);
  const webhook = matchOrFail(/^webhook (\S+) (\S+) at (.+): (\S+) -> (\S+), answered (\d{3}), processed$/m, webhookOutput, 'update-stock.mjs');

  // Asked of the running daemon: it knows the connection's runtime and each stream's next run.
  await step('status', [script('status.mjs')], env);
  await stopDaemon(daemon);

  const tablesOutput = await step('tables', [script('tables.mjs'), '--sku', WEBHOOK_SKU], env);
  const level = matchOrFail(new RegExp(`^level ${escapeRegExp(WEBHOOK_SKU)} at ${escapeRegExp(WEBHOOK_LOCATION)}: (\\S+) `, 'm'), tablesOutput, 'tables.mjs');
  if (level[1] !== webhook[5]) throw new StepFailed(`connectd.inventory_levels has ${WEBHOOK_SKU} at ${WEBHOOK_LOCATION} at ${level[1]}, not ${webhook[5]}`);
  await stop(fake.run, daemonStopTimeoutMs);

  console.log('\nshopify quickstart: all steps passed');
  console.log(`  connection:         ${connection[1]} ${connection[2]}, shop ${connection[3]}`);
  console.log(`  synced:             ${rows.stores} stores, ${rows.products} products, ${rows.inventory_levels} inventory levels, ${rows.orders} orders, ${rows.transactions} transactions`);
  console.log(`  webhook:            ${webhook[1]} ${webhook[2]} at ${webhook[3]} ${webhook[4]} -> ${webhook[5]} answered ${webhook[6]}, processed`);
  console.log(`  stored level:       ${WEBHOOK_SKU} at ${WEBHOOK_LOCATION} = ${level[1]}`);
  console.log(`  data:               ${store.where}`);
}

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(`\nshopify quickstart FAILED: ${err instanceof StepFailed ? err.message : (err.stack ?? String(err))}`);
  process.exit(1);
}
