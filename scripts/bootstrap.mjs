#!/usr/bin/env node
// One entry for a fresh machine with only Node: finds or fetches pnpm, installs the workspace
// (frozen lockfile), builds, then starts the daemon (`start`) or runs the whole suite (`test`).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '10.34.9';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command = 'test', ...rest] = process.argv.slice(2);

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: false, ...options });
  if (result.error) return { ok: false, status: 1, error: result.error };
  return { ok: result.status === 0, status: result.status ?? 1 };
}

function works(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'ignore' });
  return !result.error && result.status === 0;
}

function findPnpm() {
  if (process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)) return [process.execPath, [process.env.npm_execpath]];
  if (works('pnpm', ['--version'])) return ['pnpm', []];
  console.error(`[connectd] pnpm not found; using npx pnpm@${PNPM_VERSION}`);
  return ['npx', ['--yes', `pnpm@${PNPM_VERSION}`]];
}

function needsInstall() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  if (!existsSync(marker)) return true;
  return statSync(join(root, 'pnpm-lock.yaml')).mtimeMs > statSync(marker).mtimeMs;
}

const [pnpm, pnpmArgs] = findPnpm();
const pnpmRun = (args) => run(pnpm, [...pnpmArgs, ...args]);

if (needsInstall()) {
  const installed = pnpmRun(['install', '--frozen-lockfile']);
  if (!installed.ok) process.exit(installed.status);
}
const built = pnpmRun(['run', 'build']);
if (!built.ok) process.exit(built.status);

if (command === 'start') {
  const args = rest.length > 0 ? rest : ['run', '--config', 'connectors.yaml'];
  const daemon = run(process.execPath, [join(root, 'packages/core/bin/connectd.js'), ...args]);
  process.exit(daemon.status);
} else if (command === 'test') {
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const tests = run(process.execPath, [vitest, 'run', ...rest]);
  process.exit(tests.status);
} else {
  console.error(`usage: node scripts/bootstrap.mjs start|test [args]`);
  process.exit(2);
}
