#!/usr/bin/env node
// The app receiver against the daemon, in one command:
//
//   node examples/app-receiver/run.mjs
//
//   1. a fake storq.io on 127.0.0.1 (../storq-quickstart/start-fake-storq.mjs), five stock rows
//   2. receiver.mjs, the app's endpoint, with a fresh whsec_ secret
//   3. connectd sync storq stock       five rows created: five changes in the feed
//   4. connectd run                    the daemon sends the feed to the app, signed
//   5. send-webhook.mjs MUG-BLUE 10    storq says the stock changed: one more change
//   6. wait until the app printed the five creations and the update, then send it a forged
//      event (refused: its signature does not hold), stop everything
//
// Data goes to DATABASE_URL when set, else to CONNECTD_DATA_DIR when set, else to a new temporary
// folder. Exit 0 with a summary, or 1 naming the step that failed. Everything listens on
// 127.0.0.1; every wait is bounded; children die with this script.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const exampleDir = import.meta.dirname;
const repoRoot = join(exampleDir, '..', '..');
const quickstartDir = join(repoRoot, 'examples', 'storq-quickstart');
const connectdBin = join(repoRoot, 'packages', 'core', 'bin', 'connectd.js');
const config = join(exampleDir, 'connectors.yaml');

const stepTimeoutMs = 120_000;
const waitTimeoutMs = 60_000;
const stopTimeoutMs = 30_000;
/** What the app must have printed: the five synced rows, then the webhook's update. */
const EXPECTED = [/^event inventory_level\.created /, /^event inventory_level\.updated default\/MUG-BLUE .*quantity 12 -> 10/];
const SYNCED_ROWS = 5;

const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
class StepFailed extends Error {}

/** Starts `node <args>`, echoes its lines under `label`, and calls `run.onLine` for each. */
function start(label, args, env) {
  console.log(`\n==> ${label}: node ${args.map((arg) => arg.replace(repoRoot + '/', '')).join(' ')}`);
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const run = { child, label, lines: [], onLine: () => undefined };
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

/** The daemon logs JSON lines: show their message and a few fields. */
function readable(line) {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line);
    const extra = ['url', 'connector', 'stream', 'destination', 'reason', 'code'].filter((key) => entry[key] !== undefined);
    return `${entry.msg}${extra.length === 0 ? '' : ` (${extra.map((key) => `${key}=${JSON.stringify(entry[key])}`).join(', ')})`}`;
  } catch {
    return line;
  }
}

function within(promise, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new StepFailed(`${what}: nothing within ${timeoutMs / 1000} s`)), timeoutMs)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once the lines `run` printed so far satisfy `done` (with what it returned), or fails when it exits first. */
function printed(run, done, what) {
  return within(
    new Promise((resolve, reject) => {
      const check = () => {
        const result = done(run.lines);
        if (result) resolve(result);
      };
      check();
      run.onLine = check;
      void run.exited.then((code) => reject(new StepFailed(`${run.label} exited with ${code} while waiting for ${what}`)));
    }),
    waitTimeoutMs,
    what,
  );
}

/** `done` for {@link printed}: the first match of `pattern` in any line. */
const line = (pattern) => (lines) => lines.map((l) => pattern.exec(l)).find((m) => m !== null);

async function step(label, args, env) {
  const run = start(label, args, env);
  const code = await within(run.exited, stepTimeoutMs, label);
  if (code !== 0) throw new StepFailed(`${label} exited with ${code}`);
  return run;
}

async function stop(run) {
  if (!children.has(run.child)) return run.exited;
  run.child.kill('SIGTERM');
  return within(run.exited, stopTimeoutMs, `${run.label} to stop`);
}

async function main() {
  if (!existsSync(join(repoRoot, 'packages', 'connector-storq', 'dist', 'testing', 'index.js')) || !existsSync(join(repoRoot, 'packages', 'core', 'dist'))) {
    throw new StepFailed('connectd is not built: run `pnpm install && pnpm build` first');
  }
  const store = process.env.DATABASE_URL
    ? { env: {}, where: 'Postgres at DATABASE_URL' }
    : (() => {
        const dataDir = process.env.CONNECTD_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'connectd-app-receiver-'));
        return { env: { CONNECTD_DATA_DIR: dataDir }, where: `the embedded store in ${dataDir}` };
      })();

  const fake = start('storq', [join(quickstartDir, 'start-fake-storq.mjs'), '--no-env-file'], process.env);
  await printed(fake, line(/^serving until/), 'the fake storq to be ready');
  const variables = Object.fromEntries(fake.lines.map((line) => /^\s*export (STORQ_\w+)=(.*)$/.exec(line)).filter(Boolean).map((m) => [m[1], m[2]]));

  // The destination's secret: whsec_ and 24 random bytes in base64, shared by connectd and the app.
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const app = start('app', [join(exampleDir, 'receiver.mjs'), '0'], { ...process.env, APP_EVENTS_SECRET: secret });
  const [, appUrl] = await printed(app, line(/^app receiver listening on (http:\/\/\S+)/), 'the app receiver to listen');

  const env = { ...process.env, ...store.env, ...variables, APP_EVENTS_URL: appUrl, APP_EVENTS_SECRET: secret, CONNECTD_ADMIN_TOKEN: randomBytes(16).toString('hex') };
  await step('sync stock', [connectdBin, 'sync', 'storq', 'stock', '--config', config], env);

  const daemon = start('connectd', [connectdBin, 'run', '--config', config], { ...env, PORT: '0', HOST: '127.0.0.1' });
  const [, daemonUrl] = await printed(daemon, line(/"url":"(http:\/\/[^"]+)".*"msg":"connectd is running"/), 'the daemon to run');

  await step('send webhook', [join(quickstartDir, 'send-webhook.mjs'), 'MUG-BLUE', '10'], { ...env, CONNECTD_URL: daemonUrl });
  console.log('\n==> wait until the app printed the five synced rows and the update');
  // Rows of different keys go out side by side, so their lines may come in any order.
  const everyChange = (lines) => lines.filter((l) => EXPECTED[0].test(l)).length === SYNCED_ROWS && lines.some((l) => EXPECTED[1].test(l));
  await printed(app, everyChange, 'the app to print every change');

  console.log('\n==> a forged event: signed with another secret');
  const forged = JSON.stringify({ type: 'inventory_level.updated', timestamp: new Date().toISOString(), data: {} });
  const forgedAnswer = await fetch(appUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': `v1,${randomBytes(32).toString('base64')}` },
    body: forged,
    signal: AbortSignal.timeout(stopTimeoutMs),
  });
  if (forgedAnswer.status !== 401) throw new StepFailed(`the app answered ${forgedAnswer.status} to a forged event, not 401`);
  console.log('  refused with 401');

  const daemonExit = await stop(daemon);
  if (daemonExit !== 0) throw new StepFailed(`the daemon exited with ${daemonExit} after SIGTERM`);
  await stop(app);
  await stop(fake);
  const events = app.lines.filter((line) => line.startsWith('event '));
  console.log('\napp receiver example: all steps passed');
  console.log(`  events verified and printed: ${events.length}`);
  for (const line of events) console.log(`    ${line.slice('event '.length).replace(/ \[[^\]]+\]$/, '')}`);
  console.log(`  forged event:                refused (401)`);
  console.log(`  data:                        ${store.where}`);
}

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(`\napp receiver example FAILED: ${err instanceof StepFailed ? err.message : (err.stack ?? String(err))}`);
  process.exit(1);
}
