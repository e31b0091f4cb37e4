import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import storq from '../../../connector-storq/src/index.js';
import { isConnectdError, type ConnectdError } from '../errors/index.js';
import { loadPlugins, type LoadPluginsOptions } from './load-plugins.js';
import { readPackageIdentity, recordPlugin } from './plugin-identity.js';

// Throwaway plugin packages in a temp project, resolved and imported as installed plugins are.
let project: string;
let options: LoadPluginsOptions;

function install(name: string, manifest: Record<string, unknown>, meta: Record<string, unknown>, entry = 'index.js'): void {
  const dir = join(project, 'node_modules', name);
  mkdirSync(dirname(join(dir, entry)), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, type: 'module', exports: `./${entry}`, ...manifest }));
  writeFileSync(join(dir, entry), `export default { meta: ${JSON.stringify({ engine: '^0.1.0', ...meta })} };\n`);
}

async function failures(specs: readonly string[]): Promise<ConnectdError[]> {
  const err: unknown = await loadPlugins(specs, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isConnectdError(err, 'CONNECTD_ERR_PLUGIN_LOAD_FAILED')).toBe(true);
  return (err as ConnectdError).details['errors'] as ConnectdError[];
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'connectd-identity-'));
  options = { resolveFrom: project, coreVersion: '0.1.0' };
  install('connectd-connector-plain', { version: '2.3.4' }, { namespace: 'plain' });
  install('@acme/connectd-connector-same', { version: '1.0.0' }, { namespace: 'same', name: '@acme/connectd-connector-same', version: '1.0.0' });
  install('connectd-connector-renamed', { version: '1.0.0' }, { namespace: 'renamed', name: 'connectd-connector-old-name' });
  install('connectd-connector-stale', { version: '1.1.0' }, { namespace: 'stale', version: '1.0.0' });
  install('connectd-connector-noversion', {}, { namespace: 'noversion' });
  install('connectd-connector-dual', { version: '3.0.0' }, { namespace: 'dual' }, 'dist/esm/index.js');
  // A dual package's ESM build folder: a package.json that only sets the module type.
  writeFileSync(join(project, 'node_modules/connectd-connector-dual/dist/esm/package.json'), JSON.stringify({ type: 'module' }));
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('plugin name and version', () => {
  it("are read from the plugin package's package.json when meta leaves them out", async () => {
    const [loaded] = await loadPlugins(['connectd-connector-plain'], options);
    expect(loaded?.meta).toEqual({ name: 'connectd-connector-plain', version: '2.3.4', namespace: 'plain', engine: '^0.1.0' });
  });

  it('may still be declared, when they agree with package.json', async () => {
    const [loaded] = await loadPlugins(['@acme/connectd-connector-same'], options);
    expect(loaded?.meta).toMatchObject({ name: '@acme/connectd-connector-same', version: '1.0.0' });
  });

  it('come from the nearest package.json with a name, past a type-only one beside the entry file', async () => {
    const [loaded] = await loadPlugins(['connectd-connector-dual'], options);
    expect(loaded?.entry).toMatch(/dist[/\\]esm[/\\]index\.js$/);
    expect(loaded?.meta).toMatchObject({ name: 'connectd-connector-dual', version: '3.0.0' });
  });

  it('refuse a plugin whose meta.name or meta.version differs from package.json, naming both values', async () => {
    const errors = await failures(['connectd-connector-renamed', 'connectd-connector-plain', 'connectd-connector-stale']);
    expect(errors.map((e) => [e.code, e.details['index'], e.details['field']])).toEqual([
      ['CONNECTD_ERR_PLUGIN_META_MISMATCH', 0, 'name'],
      ['CONNECTD_ERR_PLUGIN_META_MISMATCH', 2, 'version'],
    ]);
    expect(errors[0]?.details).toMatchObject({ declared: 'connectd-connector-old-name', packageValue: 'connectd-connector-renamed' });
    expect(errors[1]?.details).toMatchObject({ declared: '1.0.0', packageValue: '1.1.0' });
    expect(errors[1]?.details['manifest']).toBe(join(project, 'node_modules/connectd-connector-stale/package.json'));
  });

  it('refuse a plugin whose package.json has no semver version', async () => {
    const [error] = await failures(['connectd-connector-noversion']);
    expect(error?.code).toBe('CONNECTD_ERR_PLUGIN_PACKAGE_UNREADABLE');
    expect(error?.details).toMatchObject({ plugin: 'connectd-connector-noversion', index: 0 });
  });

  it('cannot be read for a file outside any package', () => {
    const outside = mkdtempSync(join(tmpdir(), 'connectd-nopackage-'));
    try {
      const entry = join(outside, 'index.js');
      expect(() => readPackageIdentity({ spec: 'x', index: 3, entry })).toThrow(
        expect.objectContaining({ code: 'CONNECTD_ERR_PLUGIN_PACKAGE_UNREADABLE', details: expect.objectContaining({ index: 3, entry }) }),
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('recordPlugin', () => {
  const storqEntry = join(import.meta.dirname, '../../../connector-storq/src/index.ts');
  const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '../../../connector-storq/package.json'), 'utf8')) as { name: string; version: string };

  it('makes the record the loader makes from an imported plugin and its entry file', () => {
    const loaded = recordPlugin(storq, { entry: storqEntry, index: 2 });
    expect(loaded).toMatchObject({ spec: manifest.name, index: 2, entry: storqEntry, plugin: storq });
    expect(loaded.meta).toMatchObject({ name: manifest.name, version: manifest.version, namespace: 'storq' });
  });

  it('applies the same agreement rule', () => {
    const renamed = { ...storq, meta: { ...storq.meta, name: '@connectd/connector-storq-old' } };
    expect(() => recordPlugin(renamed, { entry: storqEntry })).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_PLUGIN_META_MISMATCH' }));
  });
});
