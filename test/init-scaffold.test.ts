/**
 * `connectd init`, as a plugin author and an integrator meet it: the scaffolded plugin's own
 * `npm test` passes, the scaffolded project validates, and the plugin validates once a config
 * names it. The suite sends nothing past loopback, so the scaffold's dependencies are linked to
 * this checkout's copies where `npm install` would fetch them (scripts/check-scaffold.mjs does the
 * real `npm install` from the registry).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './support/daemon-process.js';

const NPM_TEST_TIMEOUT_MS = 180_000;
const scratch = mkdtempSync(join(tmpdir(), 'connectd-init-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What `npm install` puts in node_modules for the scaffold, linked to this checkout's copies. */
function linkDependencies(packageDir: string): void {
  const link = (name: string, target: string): void => {
    const path = join(packageDir, 'node_modules', name);
    mkdirSync(dirname(path), { recursive: true });
    symlinkSync(target, path);
  };
  link('@connectd/core', join(repoRoot, 'packages/core'));
  for (const tool of ['typescript', 'vitest', '@types/node']) link(tool, realpathSync(join(repoRoot, 'node_modules', tool)));
  link('.bin/tsc', '../typescript/bin/tsc');
  link('.bin/vitest', '../vitest/vitest.mjs');
}

function npmTest(cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['test'], { cwd, env: { ...process.env, CI: '1', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('connectd init connector', () => {
  const pluginDir = join(scratch, 'plugins', 'acme');

  beforeAll(async () => {
    const { code, stdout, stderr } = await runCli(['init', 'connector', 'acme', '--dir', pluginDir], {}, scratch);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('created plugins/acme/package.json');
    linkDependencies(pluginDir);
  });

  it(
    "writes a package whose own `npm test` (build and tests) passes",
    async () => {
      const { code, output } = await npmTest(pluginDir);
      expect(output).toMatch(/Tests\s+\d+ passed/);
      expect(output).not.toMatch(/failed/i);
      expect(code).toBe(0);
    },
    NPM_TEST_TIMEOUT_MS,
  );

  it('validates when a project installs it by path and names it', async () => {
    const projectDir = join(scratch, 'project');
    const init = await runCli(['init', 'project', '--dir', projectDir], {}, scratch);
    expect(init.code).toBe(0);
    const asWritten = await runCli(['validate', '--config', join(projectDir, 'connectors.yaml')], {}, projectDir);
    expect(asWritten.stderr).toBe('');
    expect(asWritten.stdout).toMatch(/^inventory\s+idle/m);
    // `npm install ../plugins/acme` links a folder outside the project: only the symlink.
    mkdirSync(join(projectDir, 'node_modules'), { recursive: true });
    symlinkSync(pluginDir, join(projectDir, 'node_modules', 'connectd-connector-acme'));
    const yaml = readFileSync(join(projectDir, 'connectors.yaml'), 'utf8')
      .replace('# plugins: ["connectd-connector-acme"]', 'plugins: ["connectd-connector-acme"]')
      .replace('connectors:\n', 'connectors:\n  acme:\n    extends: acme/default\n    auth: { token: "${ACME_API_TOKEN}" }\n    webhooks: { verify: { secret: "${ACME_WEBHOOK_SECRET}" } }\n');
    writeFileSync(join(projectDir, 'connectors.yaml'), yaml);
    const named = await runCli(['validate', '--config', join(projectDir, 'connectors.yaml')], { ACME_API_TOKEN: 'acme-token-1', ACME_WEBHOOK_SECRET: 'acme-secret-1' }, projectDir);
    expect(named.stderr).toBe('');
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/^acme\s+active/m);
    expect(named.stdout).toContain('connectd-connector-acme');
  });

  it('refuses to write into a folder that is not empty (exit 2), and a name that cannot be a namespace', async () => {
    const again = await runCli(['init', 'connector', 'acme', '--dir', pluginDir], {}, scratch);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('CONNECTD_ERR_SCAFFOLD_TARGET_NOT_EMPTY');
    const badName = await runCli(['init', 'connector', 'Acme_POS'], {}, scratch);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('CONNECTD_ERR_SCAFFOLD_NAME_INVALID');
  });
});
