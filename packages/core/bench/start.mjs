#!/usr/bin/env node
// Benchmark of start time: `node packages/core/bin/connectd.js run` with the bundled
// connectors.yaml (every connector idle), from spawn to the first 200 on /healthz, then SIGTERM
// and wait for the exit. Median of N runs (default 5) for each case, in the same run:
//   node -e ''        the baseline: a Node process that does nothing
//   embedded cold     a new data folder each time (includes PGlite's initdb and every migration)
//   embedded warm     an existing data folder (made and migrated by one unmeasured run first)
//   postgres warm     DATABASE_URL to a fresh database created for this run (migrated by one
//                     unmeasured run first) and dropped after it
//   PGlite alone      a Node process that opens the warm data folder's cluster with PGlite, runs
//                     `select 1` and closes it, nothing of connectd: the floor under "embedded warm"
// Prints each median with its ratio to the baseline. Targets on the 2-core machine: embedded
// warm <= 1.5 s, postgres warm <= 1.0 s.
//
// `tsc -b && node packages/core/bench/start.mjs [--runs N]`
// Postgres: DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createFreshDatabase } from './fresh-database.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'packages/core/bin/connectd.js');
const CONFIG = join(ROOT, 'connectors.yaml');
const POLL_MS = 5;
const START_TIMEOUT_MS = 60_000;

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

function healthy(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** The environment of a run: none of the bundled connectors' variables, so every one is idle. */
function baseEnv() {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(STORQ_|SQUARE_|SHOPIFY_|DATABASE_URL$|CONNECTD_|PORT$|HOST$|LOG_LEVEL$)/.test(name)) env[name] = value;
  }
  return env;
}

/** Milliseconds from spawn to the first 200 on /healthz; the daemon is stopped before it resolves. */
async function startOnce(env) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'run', '--config', CONFIG], {
    env: { ...baseEnv(), ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let exited = false;
  child.on('exit', () => (exited = true));
  try {
    while (!(await healthy(port))) {
      if (exited) throw new Error(`connectd exited before answering /healthz: ${stderr.trim()}`);
      if (performance.now() - started > START_TIMEOUT_MS) throw new Error('connectd did not answer /healthz within 60 s');
      await sleep(POLL_MS);
    }
    return performance.now() - started;
  } finally {
    if (!exited) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
}

/** Milliseconds from spawn to the exit of `node <args>` run in packages/core (which resolves PGlite). */
async function processOnce(args) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: join(ROOT, 'packages/core'), stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}`);
  return performance.now() - started;
}

const baselineOnce = () => processOnce(['-e', '']);

/** The embedded engine's own open of a cluster (the daemon keeps it in <data dir>/pgdata). */
const pgliteOnce = (dataDir) =>
  processOnce([
    '--input-type=module',
    '-e',
    `import { PGlite } from '@electric-sql/pglite'; const db = await PGlite.create(${JSON.stringify(join(dataDir, 'pgdata'))}); await db.query('select 1'); await db.close();`,
  ]);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function repeat(runs, fn) {
  const times = [];
  for (let i = 0; i < runs; i += 1) times.push(await fn(i));
  return times;
}

async function main() {
  const runs = option('runs', 5);
  const scratch = mkdtempSync(join(tmpdir(), 'connectd-bench-start-'));
  let database;
  const results = [];
  try {
    results.push(['node -e \'\'', await repeat(runs, baselineOnce)]);
    results.push(['embedded cold', await repeat(runs, (i) => startOnce({ CONNECTD_DATA_DIR: join(scratch, `cold-${i}`) }))]);
    const warm = { CONNECTD_DATA_DIR: join(scratch, 'warm') };
    await startOnce(warm);
    results.push(['embedded warm', await repeat(runs, () => startOnce(warm))]);
    results.push(['PGlite alone', await repeat(runs, () => pgliteOnce(warm.CONNECTD_DATA_DIR))]);
    database = await createFreshDatabase();
    const postgres = { DATABASE_URL: database.url };
    await startOnce(postgres);
    results.push(['postgres warm', await repeat(runs, () => startOnce(postgres))]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await database?.drop();
  }
  const baseline = median(results[0][1]);
  console.log(`connectd run to /healthz, median of ${runs} (bundled connectors.yaml, every connector idle)`);
  console.log(`${'case'.padEnd(16)}${'median ms'.padStart(10)}${'x node'.padStart(9)}   runs ms`);
  for (const [name, times] of results) {
    const m = median(times);
    console.log(`${name.padEnd(16)}${m.toFixed(0).padStart(10)}${(m / baseline).toFixed(1).padStart(9)}   ${times.map((t) => t.toFixed(0)).join(' ')}`);
  }
  console.log('targets: embedded warm <= 1500 ms, postgres warm <= 1000 ms');
}

await main();
