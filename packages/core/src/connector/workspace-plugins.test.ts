import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { coreVersion, loadPlugins } from './load-plugins.js';
import { createComponentRegistry } from './registry.js';

// The three plugin packages of this repository, loaded by name from the repository root as the
// bundled connectors.yaml loads them. Node resolves them through node_modules to their dist/.
const repoRoot = join(import.meta.dirname, '../../../..');
const PACKAGES = ['@connectd/connector-storq', '@connectd/connector-square', '@connectd/connector-shopify'] as const;
const DIRS = ['connector-storq', 'connector-square', 'connector-shopify'];
const dists = DIRS.map((dir) => join(repoRoot, 'packages', dir, 'dist', 'index.js'));
const manifests = DIRS.map((dir) => JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')) as { version: string });

beforeAll(() => {
  if (dists.every((file) => existsSync(file))) return;
  // `pnpm test` builds first; this covers running vitest alone on a fresh clone. tsc -b still
  // emits when another package has type errors, so the outcome is judged by the files.
  spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: repoRoot, stdio: 'ignore' });
  for (const file of dists) expect(existsSync(file), `${file} (run: pnpm build)`).toBe(true);
}, 120_000);

describe('the workspace plugin packages', () => {
  it('load by package name from the repository root, from their built dist/', async () => {
    const loaded = await loadPlugins(PACKAGES, { resolveFrom: repoRoot, coreVersion: coreVersion() });
    expect(loaded.map((p) => [p.spec, p.meta.name, p.meta.namespace])).toEqual([
      ['@connectd/connector-storq', '@connectd/connector-storq', 'storq'],
      ['@connectd/connector-square', '@connectd/connector-square', 'square'],
      ['@connectd/connector-shopify', '@connectd/connector-shopify', 'shopify'],
    ]);
    // None declares its version: each comes from the package's own package.json.
    expect(loaded.map((p) => p.meta.version)).toEqual(manifests.map((m) => m.version));
    expect(loaded.map((p) => p.entry)).toEqual(dists);
  });

  it('register together without clashes and contribute their secret field names', async () => {
    const registry = createComponentRegistry({}, await loadPlugins(PACKAGES, { resolveFrom: repoRoot, coreVersion: coreVersion() }));
    expect(registry.plugins().map((m) => m.namespace)).toEqual(['storq', 'square', 'shopify']);
    expect(registry.secretFields()).toContain('x-shopify-access-token');
  });
});
