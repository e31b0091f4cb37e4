#!/usr/bin/env node
// The whole storq quickstart in one go, each step a child process exactly as the README runs it:
//
//   1. start-fake-storq.mjs           a fake storq.io on 127.0.0.1 with five stock rows
//   2. connectd sync storq stock      the stock lands in connectd.inventory_levels
//   3. connectd run                   the daemon, on a free port
//   4. send-webhook.mjs               a signed stock.updated event (MUG-BLUE -> 10)
//   5. create-order.mjs               create_order through the admin API
//   6. wait until the daemon processed the webhook (GET /metrics), then stop it with SIGTERM
//   7. connectd sync storq orders     the new order lands in connectd.orders
//   8. connectd status
//
//   node examples/storq-quickstart/run-all.mjs
//
// Data goes to DATABASE_URL when set, else to CONNECTD_DATA_DIR when set, else to a new temporary
// folder (printed at the end, so you can look inside). Exit 0 with a summary, or 1 naming the step
// that failed. Everything listens on 127.0.0.1; every wait is bounded; children die with it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const exampleDir = import.meta.dirname;
const repoRoot = join(exampleDir, '..', '..');
const connectdBin = join(repoRoot, 'packages', 'core', 'bin', 'connectd.js');
const config = join(exampleDir, 'connectors.yaml');

const fakeStartTimeoutMs = 20_000;
const cliStepTimeoutMs = 120_000;
const daemonStartTimeoutMs = 60_000;
const webhookProcessedTimeoutMs = 30_000;
const daemonStopTimeoutMs = 30_000;
const metricsPollMs = 250;

/** Children still alive, killed when this script exits for any reason. */
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`);
    process.exit(1);
  });
}

class StepFailed extends Error {}

/** Starts `node <args>` with its output echoed under `label`; `lines` collects it. */
function start(label, args, env) {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    const extra = ['url', 'connector', 'stream', 'event', 'action', 'outcome', 'status', 'code'].filter((key) => entry[key] !== undefined);
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

/** Runs one step to completion; fails unless it exits 0. */
async function step(label, args, env, timeoutMs = cliStepTimeoutMs) {
  console.log(`\n==> ${label}: node ${args.map((arg) => arg.replace(repoRoot + '/', '')).join(' ')}`);
  const run = start(label, args, env);
  try {
    const code = await withTimeout(run.exited, timeoutMs, label);
    if (code !== 0) throw new StepFailed(`${label} exited with ${code}`);
  } finally {
    run.child.kill('SIGKILL');
  }
  return run.lines.join('\n');
}

/** Starts a long-running child and resolves once one of its lines matches `ready`. */
function startUntil(label, args, env, ready, timeoutMs) {
  console.log(`\n==> ${label}: node ${args.map((arg) => arg.replace(repoRoot + '/', '')).join(' ')}`);
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

async function webhooksProcessed(daemonUrl) {
  const text = await (await fetch(`${daemonUrl}/metrics`, { signal: AbortSignal.timeout(metricsPollMs * 20) })).text();
  const counts = text.matchAll(/^connectd_webhooks_processed_total\{[^}]*connector="storq"[^}]*outcome="processed"[^}]*\} (\d+)/gm);
  return [...counts].reduce((sum, match) => sum + Number(match[1]), 0);
}

async function waitForProcessedWebhook(daemonUrl) {
  const deadline = Date.now() + webhookProcessedTimeoutMs;
  while (Date.now() < deadline) {
    if ((await webhooksProcessed(daemonUrl)) >= 1) return;
    await new Promise((resolve) => setTimeout(resolve, metricsPollMs));
  }
  throw new StepFailed(`the webhook was not processed within ${webhookProcessedTimeoutMs / 1000} s (see the daemon's lines above)`);
}

function recordsSynced(output, stream) {
  const match = new RegExp(`storq\\.${stream}: succeeded, \\d+ pages?, (\\d+) records`).exec(output);
  if (match === null) throw new StepFailed(`connectd sync storq ${stream} did not report a succeeded run`);
  return Number(match[1]);
}

async function main() {
  if (!existsSync(join(repoRoot, 'packages', 'connector-storq', 'dist', 'testing', 'index.js')) || !existsSync(join(repoRoot, 'packages', 'core', 'dist'))) {
    throw new StepFailed('connectd is not built: run `pnpm install && pnpm build` (or `npm start` once) first');
  }
  const store = process.env.DATABASE_URL
    ? { env: {}, where: 'Postgres at DATABASE_URL' }
    : (() => {
        const dataDir = process.env.CONNECTD_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'connectd-storq-quickstart-'));
        return { env: { CONNECTD_DATA_DIR: dataDir }, where: `the embedded store in ${dataDir}` };
      })();
  console.log(`storq quickstart: data goes to ${store.where}`);

  const fake = await startUntil('storq', [join(exampleDir, 'start-fake-storq.mjs'), '--no-env-file'], process.env, /^serving until/, fakeStartTimeoutMs);
  const variables = Object.fromEntries(fake.run.lines.map((line) => /^\s*export (STORQ_\w+)=(.*)$/.exec(line)).filter(Boolean).map((m) => [m[1], m[2]]));
  const adminToken = randomBytes(16).toString('hex');
  const env = { ...process.env, ...store.env, ...variables, CONNECTD_ADMIN_TOKEN: adminToken };

  const stockOutput = await step('sync stock', [connectdBin, 'sync', 'storq', 'stock', '--config', config], env);
  const stockRows = recordsSynced(stockOutput, 'stock');

  const daemon = await startUntil('connectd', [connectdBin, 'run', '--config', config], { ...env, PORT: '0', HOST: '127.0.0.1' }, /"url":"(http:\/\/[^"]+)".*"msg":"connectd is running"/, daemonStartTimeoutMs);
  const daemonUrl = daemon.match[1];
  const clientEnv = { ...env, CONNECTD_URL: daemonUrl };

  const webhookOutput = await step('send webhook', [join(exampleDir, 'send-webhook.mjs'), 'MUG-BLUE', '10'], clientEnv);
  const webhookStatus = Number(/^webhook \S+ \(.*\): (\d{3}) /m.exec(webhookOutput)?.[1]);

  const orderOutput = await step('create order', [join(exampleDir, 'create-order.mjs')], clientEnv);
  const order = /^order (\S+): (\w+) \(storq id (\S+), (\w+)\)$/m.exec(orderOutput);
  if (order === null) throw new StepFailed('create-order.mjs did not print the order');

  console.log('\n==> wait until the daemon processed the webhook (GET /metrics)');
  await waitForProcessedWebhook(daemonUrl);
  console.log('  webhook processed');

  console.log('\n==> stop the daemon (SIGTERM)');
  const daemonExit = await stop(daemon.run, daemonStopTimeoutMs);
  if (daemonExit !== 0) throw new StepFailed(`the daemon exited with ${daemonExit} after SIGTERM`);

  const ordersOutput = await step('sync orders', [connectdBin, 'sync', 'storq', 'orders', '--config', config], env);
  const ordersSynced = recordsSynced(ordersOutput, 'orders');

  await step('status', [connectdBin, 'status', '--config', config], env);
  await stop(fake.run, daemonStopTimeoutMs);

  console.log('\nstorq quickstart: all steps passed');
  console.log(`  stock rows synced:  ${stockRows}`);
  console.log(`  webhook:            stock.updated MUG-BLUE -> 10 answered ${webhookStatus}, processed`);
  console.log(`  order:              ${order[1]} ${order[2]} at storq as ${order[3]} (${order[4]})`);
  console.log(`  orders synced:      ${ordersSynced}`);
  console.log(`  data:               ${store.where}`);
}

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(`\nstorq quickstart FAILED: ${err instanceof StepFailed ? err.message : (err.stack ?? String(err))}`);
  process.exit(1);
}
