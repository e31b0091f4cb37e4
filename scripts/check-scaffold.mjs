#!/usr/bin/env node
// The scaffold as a plugin author meets it, with the real registry: `connectd init connector acme`
// in a temporary folder, then `npm install` and `npm test` there. The test suite does the same with
// linked dependencies (test/init-scaffold.test.ts), because tests send nothing past loopback; this
// script is the check with a real `npm install`, run by hand or in a release job.
//   pnpm build && node scripts/check-scaffold.mjs [--keep]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const connectd = fileURLToPath(new URL('../packages/core/bin/connectd.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'connectd-check-scaffold-'));
const plugin = join(scratch, 'connectd-connector-acme');

function step(label, command, args, cwd) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, CI: '1' } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n✗ ${label} failed (exit ${result.status}) after ${seconds}s; the folder is kept: ${scratch}`);
    process.exit(1);
  }
  console.log(`✓ ${label} (${seconds}s)`);
}

step('connectd init connector acme', process.execPath, [connectd, 'init', 'connector', 'acme'], scratch);
step('npm install', 'npm', ['install', '--no-audit', '--no-fund'], plugin);
step('npm test', 'npm', ['test'], plugin);
if (process.argv.includes('--keep')) console.log(`kept: ${plugin}`);
else rmSync(scratch, { recursive: true, force: true });
