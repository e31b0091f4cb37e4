import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectdError, type ConnectdError } from '../errors/index.js';
import { coreVersion, loadPlugins, type LoadPluginsOptions } from './load-plugins.js';

// Throwaway plugin packages in a temp project: `node_modules/<name>/{package.json,index.js}`,
// plain ESM JS, resolved and imported exactly as a user's installed plugins are.
let project: string;
let options: LoadPluginsOptions;

interface FakePackage {
  readonly source?: string;
  readonly manifest?: Record<string, unknown>;
  /** Extra files, path relative to the package directory. */
  readonly files?: Readonly<Record<string, string>>;
}

function install(name: string, pkg: FakePackage): void {
  const dir = join(project, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  const manifest = pkg.manifest ?? { name, version: '1.0.0', type: 'module', exports: './index.js' };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  if (pkg.source !== undefined) writeFileSync(join(dir, 'index.js'), pkg.source);
  for (const [file, text] of Object.entries(pkg.files ?? {})) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

/** ESM source of a plugin; `extra` is spliced into the exported object. */
function pluginSource(meta: Record<string, unknown>, extra = ''): string {
  return `export default { meta: ${JSON.stringify(meta)}, ${extra} };\n`;
}

/** Meta as plugins write it: name and version come from package.json (plugin-identity.test.ts). */
function meta(namespace: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { namespace, engine: '^0.1.0', ...overrides };
}

const verifierComponent = (type: string, schema: unknown = { type: 'object', properties: { secret: { type: 'string' } } }): string =>
  `${type}: { meta: { type: '${type}', description: 'test verifier', schema: ${JSON.stringify(schema)} }, create: () => ({ verify: () => ({ ok: true }) }) }`;

async function loadFailure(specs: readonly string[], opts: LoadPluginsOptions = options): Promise<ConnectdError[]> {
  const err: unknown = await loadPlugins(specs, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isConnectdError(err, 'CONNECTD_ERR_PLUGIN_LOAD_FAILED')).toBe(true);
  return (err as ConnectdError).details['errors'] as ConnectdError[];
}

async function onlyFailure(spec: string): Promise<ConnectdError> {
  const errors = await loadFailure([spec]);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'connectd-plugins-'));
  options = { resolveFrom: project, coreVersion: '0.1.0' };
  install('connectd-connector-good', {
    source: pluginSource(
      meta('good', { secrets: ['x-good-token'] }),
      `webhookVerifiers: { ${verifierComponent('hmac')} },
       functions: { upper: { signature: '<s:s>', impl: (s) => s.toUpperCase() } },
       presets: { default: { description: 'defaults', config: { base_url: 'https://good.test' } } }`,
    ),
  });
  install('@acme/connectd-connector-acme', { source: pluginSource(meta('acme')) });
  install('connectd-connector-nodefault', { source: 'export const plugin = {};\n' });
  install('connectd-connector-badmeta', {
    source: pluginSource({ name: '', version: 'one', namespace: 'Bad_NS', engine: 'not a range', secrets: 'token' }),
  });
  install('connectd-connector-badslots', {
    source: pluginSource(
      meta('badslots'),
      `paginator: {},
       auth: { token: { meta: { type: 'other', description: 'x', schema: {} } } },
       functions: { 'bad-name': { impl: 1 } },
       presets: { p: { description: 'no config' } }`,
    ),
  });
  install('connectd-connector-future', { source: pluginSource(meta('future', { engine: '^9.0.0' })) });
  install('connectd-connector-twin-a', { source: pluginSource(meta('twin')) });
  install('connectd-connector-twin-b', { source: pluginSource(meta('twin')) });
  install('connectd-connector-throws', {
    source: "const err = new Error('cannot start: missing native addon'); err.code = 'E_ADDON'; throw err;\n",
  });
  install('connectd-connector-badschema', {
    source: pluginSource(
      meta('badschema'),
      `webhookVerifiers: { ${verifierComponent('typo', { type: 'object', requried: ['secret'] })}, ${verifierComponent('badtype', { type: 'strng' })} }`,
    ),
  });
  install('connectd-connector-loose', {
    source: pluginSource(
      meta('loose'),
      `auth: { token: { meta: { type: 'token', description: 'x', schema: { type: 'object', required: ['token'] } }, create: () => ({}) } },
       paginators: { since: { meta: { type: 'since', description: 'x', schema: { type: 'object', properties: { n: { type: ['integer', 'string'] } } } }, create: () => ({}) } }`,
    ),
  });
  install('connectd-connector-draft2020', {
    source: pluginSource(
      meta('draft2020'),
      `webhookVerifiers: { ${verifierComponent('hmac', { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { url: { type: 'string', format: 'uri' }, pair: { type: 'array', prefixItems: [{ type: 'string' }] } } })} }`,
    ),
  });
  install('connectd-connector-unbuilt', {
    manifest: { name: 'connectd-connector-unbuilt', version: '1.0.0', type: 'module', exports: './dist/index.js' },
  });
  install('connectd-connector-esmonly', {
    manifest: { name: 'connectd-connector-esmonly', version: '1.0.0', type: 'module', exports: { '.': { import: './lib/main.js' } } },
    files: { 'lib/main.js': pluginSource(meta('esmonly')) },
  });
  install('connectd-connector-cjs', {
    manifest: { name: 'connectd-connector-cjs', version: '1.0.0', main: 'index.cjs' },
    files: {
      'index.cjs': `"use strict"; Object.defineProperty(exports, '__esModule', { value: true }); exports.default = { meta: ${JSON.stringify(meta('cjs'))} };\n`,
    },
  });
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('loadPlugins', () => {
  it('loads a plugin by package name and returns its meta, position and entry file', async () => {
    const [loaded, scoped] = await loadPlugins(['connectd-connector-good', '@acme/connectd-connector-acme'], options);
    expect(loaded?.spec).toBe('connectd-connector-good');
    expect(loaded?.index).toBe(0);
    expect(loaded?.entry).toBe(join(project, 'node_modules', 'connectd-connector-good', 'index.js'));
    expect(loaded?.meta.namespace).toBe('good');
    expect(Object.keys(loaded?.plugin.webhookVerifiers ?? {})).toEqual(['hmac']);
    expect(scoped?.meta.namespace).toBe('acme');
    expect(scoped?.index).toBe(1);
  });

  it('resolves an empty list to no plugins', async () => {
    await expect(loadPlugins([], options)).resolves.toEqual([]);
  });

  it.each(['./plugins/acme', '../acme', '/opt/plugins/acme', 'file:///opt/acme/index.js', 'connectd-connector-good/index.js', 'fs', 'node:fs', ''])(
    'refuses %j: plugins load by package name only',
    async (spec) => {
      const err = await onlyFailure(spec);
      expect(err.code).toBe('CONNECTD_ERR_PLUGIN_SPEC_INVALID');
      expect(err.details).toMatchObject({ plugin: spec, index: 0 });
      expect(err.exitCode).toBe(2);
    },
  );

  it('reports a package that is not installed, with its position', async () => {
    const errors = await loadFailure(['connectd-connector-good', 'connectd-connector-missing']);
    expect(errors.map((e) => e.code)).toEqual(['CONNECTD_ERR_PLUGIN_NOT_FOUND']);
    expect(errors[0]?.details).toMatchObject({ plugin: 'connectd-connector-missing', index: 1, resolveFrom: project });
    expect(errors[0]?.details['packageDir']).toBeUndefined();
    expect(errors[0]?.exitCode).toBe(2);
  });

  it('tells an installed package whose entry file is missing from one that is not installed', async () => {
    const err = await onlyFailure('connectd-connector-unbuilt');
    expect(err.code).toBe('CONNECTD_ERR_PLUGIN_NOT_FOUND');
    expect(err.details['packageDir']).toBe(join(project, 'node_modules', 'connectd-connector-unbuilt'));
  });

  it('resolves packages from resolveFrom, not from core', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'connectd-empty-'));
    try {
      const errors = await loadFailure(['connectd-connector-good'], { ...options, resolveFrom: elsewhere });
      expect(errors.map((e) => e.code)).toEqual(['CONNECTD_ERR_PLUGIN_NOT_FOUND']);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('rejects a module without a default export', async () => {
    const err = await onlyFailure('connectd-connector-nodefault');
    expect(err.code).toBe('CONNECTD_ERR_PLUGIN_INVALID_EXPORT');
    expect(err.details).toMatchObject({ plugin: 'connectd-connector-nodefault', index: 0 });
  });

  it('rejects malformed meta, listing every problem at once', async () => {
    const err = await onlyFailure('connectd-connector-badmeta');
    expect(err.code).toBe('CONNECTD_ERR_PLUGIN_INVALID_EXPORT');
    const problems = err.details['problems'] as string[];
    for (const field of ['meta.name', 'meta.version', 'meta.namespace', 'meta.engine', 'meta.secrets']) {
      expect(problems.some((p) => p.startsWith(field)), field).toBe(true);
    }
  });

  it('rejects unknown slots and malformed components, functions and presets', async () => {
    const err = await onlyFailure('connectd-connector-badslots');
    expect(err.code).toBe('CONNECTD_ERR_PLUGIN_INVALID_EXPORT');
    const problems = err.details['problems'] as string[];
    expect(problems.some((p) => p.includes('"paginator"') && p.includes('"paginators"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('auth.token.meta.type'))).toBe(true);
    expect(problems.some((p) => p.startsWith('auth.token.create'))).toBe(true);
    expect(problems.some((p) => p.startsWith('functions.bad-name'))).toBe(true);
    expect(problems.some((p) => p.startsWith('presets.p'))).toBe(true);
  });

  it('rejects a plugin whose engine range excludes the running core', async () => {
    const err = await onlyFailure('connectd-connector-future');
    expect(err.code).toBe('CONNECTD_ERR_PLUGIN_ENGINE_MISMATCH');
    expect(err.details).toMatchObject({ plugin: 'connectd-connector-future', index: 0, engine: '^9.0.0', coreVersion: '0.1.0' });
  });

  it('accepts a prerelease core inside the engine range', async () => {
    const loaded = await loadPlugins(['connectd-connector-good'], { ...options, coreVersion: '0.1.1-rc.1' });
    expect(loaded).toHaveLength(1);
  });

  it('rejects two plugins claiming one namespace, pointing at the second', async () => {
    const errors = await loadFailure(['connectd-connector-twin-a', 'connectd-connector-twin-b']);
    expect(errors.map((e) => e.code)).toEqual(['CONNECTD_ERR_PLUGIN_DUPLICATE_NAMESPACE']);
    expect(errors[0]?.details).toMatchObject({
      plugin: 'connectd-connector-twin-b',
      index: 1,
      namespace: 'twin',
      otherPlugin: 'connectd-connector-twin-a',
      otherIndex: 0,
    });
  });

  it('wraps a throw while importing with the plugin name, the hook and the cause', async () => {
    const err = await onlyFailure('connectd-connector-throws');
    expect(err.code).toBe('CONNECTD_ERR_PLUGIN_FAILED');
    expect(err.details).toMatchObject({ plugin: 'connectd-connector-throws', hook: 'import', index: 0, pluginCode: 'E_ADDON' });
    expect(err.cause).toBeInstanceOf(Error);
    expect((err.cause as Error).message).toBe('cannot start: missing native addon');
  });

  it('compiles component schemas at load and reports each one that is invalid', async () => {
    const errors = await loadFailure(['connectd-connector-badschema']);
    expect(errors.map((e) => e.code)).toEqual(['CONNECTD_ERR_PLUGIN_SCHEMA_INVALID', 'CONNECTD_ERR_PLUGIN_SCHEMA_INVALID']);
    expect(errors.map((e) => e.details['component'])).toEqual(['webhookVerifiers.typo', 'webhookVerifiers.badtype']);
    expect(errors[0]?.details).toMatchObject({ plugin: 'connectd-connector-badschema', index: 0 });
    expect(errors[0]?.cause).toBeInstanceOf(Error);
  });

  it('accepts valid schemas that strict ajv modes would flag (required without properties, union types)', async () => {
    await expect(loadPlugins(['connectd-connector-loose'], options)).resolves.toHaveLength(1);
  });

  it('compiles schemas declaring draft 2020-12 in that dialect (prefixItems), with formats', async () => {
    await expect(loadPlugins(['connectd-connector-draft2020'], options)).resolves.toHaveLength(1);
  });

  it('loads ESM-only packages (exports with an import condition only)', async () => {
    const [loaded] = await loadPlugins(['connectd-connector-esmonly'], options);
    expect(loaded?.entry).toBe(join(project, 'node_modules', 'connectd-connector-esmonly', 'lib', 'main.js'));
    expect(loaded?.meta.namespace).toBe('esmonly');
  });

  it('unwraps the default export of a transpiled CommonJS plugin', async () => {
    const [loaded] = await loadPlugins(['connectd-connector-cjs'], options);
    expect(loaded?.meta.namespace).toBe('cjs');
  });

  it('reports every failure of every plugin in one error, in list order', async () => {
    const errors = await loadFailure([
      'connectd-connector-good',
      './local-plugin',
      'connectd-connector-missing',
      'connectd-connector-future',
      'connectd-connector-throws',
      'connectd-connector-nodefault',
      'connectd-connector-good',
    ]);
    expect(errors.map((e) => [e.code, e.details['index']])).toEqual([
      ['CONNECTD_ERR_PLUGIN_SPEC_INVALID', 1],
      ['CONNECTD_ERR_PLUGIN_NOT_FOUND', 2],
      ['CONNECTD_ERR_PLUGIN_ENGINE_MISMATCH', 3],
      ['CONNECTD_ERR_PLUGIN_FAILED', 4],
      ['CONNECTD_ERR_PLUGIN_INVALID_EXPORT', 5],
      ['CONNECTD_ERR_PLUGIN_DUPLICATE_NAMESPACE', 6],
    ]);
  });
});

describe('coreVersion', () => {
  it("reads core's own package.json", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(coreVersion()).toBe(manifest.version);
  });
});
