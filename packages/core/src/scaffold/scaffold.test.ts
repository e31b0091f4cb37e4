import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { coreDependencySpec, corePackage } from './core-package.js';
import { connectorNames, scaffoldConnector, scaffoldProject, SCAFFOLD_TOOL_VERSIONS } from './index.js';
import { writeScaffold } from './write-files.js';

const scratch = mkdtempSync(join(tmpdir(), 'connectd-scaffold-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return isConnectdError(err) ? err.code : 'not a connectd error';
  }
}

describe('connectorNames', () => {
  it('spells a dashed name as namespace, npm name, identifier, type name and env prefix', () => {
    expect(connectorNames('acme-pos')).toEqual({
      namespace: 'acme-pos',
      packageName: 'connectd-connector-acme-pos',
      identifier: 'acmePos',
      typeName: 'AcmePos',
      envPrefix: 'ACME_POS',
    });
  });

  it.each(['Acme', '1acme', 'acme_pos', 'acme-', 'acme--pos', '', '../acme', '@acme/x'])('refuses %j with a coded error', (name) => {
    expect(codeOf(() => connectorNames(name))).toBe('CONNECTD_ERR_SCAFFOLD_NAME_INVALID');
  });
});

describe('writeScaffold', () => {
  it('refuses a folder that has anything in it, and writes nothing there', () => {
    const dir = join(scratch, 'occupied');
    mkdirSync(dir);
    writeFileSync(join(dir, 'mine.txt'), 'keep me');
    expect(codeOf(() => writeScaffold(dir, [{ path: 'mine.txt', text: 'overwritten' }, { path: 'new.txt', text: 'x' }]))).toBe('CONNECTD_ERR_SCAFFOLD_TARGET_NOT_EMPTY');
    expect(readdirSync(dir)).toEqual(['mine.txt']);
    expect(readFileSync(join(dir, 'mine.txt'), 'utf8')).toBe('keep me');
  });

  it('creates a new folder with nested files', () => {
    const written = writeScaffold(join(scratch, 'fresh'), [{ path: 'a/b/c.txt', text: 'c' }]);
    expect(written).toEqual([join(scratch, 'fresh', 'a', 'b', 'c.txt')]);
    expect(readFileSync(written[0]!, 'utf8')).toBe('c');
  });
});

describe('coreDependencySpec', () => {
  const core = corePackage();

  it('links a checkout of core by a relative path from inside the checkout, by an absolute one from outside', () => {
    expect(coreDependencySpec(core, resolve(core.dir, '../../examples/third-party/x'))).toBe('file:../../../packages/core');
    expect(coreDependencySpec(core, join(scratch, 'acme'))).toBe(`file:${core.dir}`);
  });

  it('asks the registry for the engine range when core is an installed package', () => {
    const installed = { ...core, dir: '/srv/app/node_modules/@connectd/core' };
    expect(coreDependencySpec(installed, '/srv/plugins/acme')).toBe(core.engineRange);
    expect(core.engineRange).toMatch(/^\^\d+\.\d+\.0$/);
  });
});

describe('scaffolds', () => {
  it('a connector package names core as a peer in its engine range, with the tool versions this repository uses', () => {
    const { dir, files } = scaffoldConnector('acme', { cwd: scratch });
    expect(dir).toBe(join(scratch, 'connectd-connector-acme'));
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(
      ['.gitignore', 'README.md', 'package.json', 'src/index.ts', 'src/preset.test.ts', 'src/preset.ts', 'src/testing/fake-acme.test.ts', 'src/testing/fake-acme.ts', 'tsconfig.json', 'vitest.config.ts'].sort(),
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(manifest.peerDependencies).toEqual({ '@connectd/core': corePackage().engineRange });
    const root = JSON.parse(readFileSync(resolve(corePackage().dir, '../../package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    for (const [tool, range] of Object.entries(SCAFFOLD_TOOL_VERSIONS)) expect(root.devDependencies[tool], tool).toBe(range);
    expect(readFileSync(join(dir, 'src/index.ts'), 'utf8')).toContain("namespace: 'acme'");
  });

  it('a project folder whose connectors.yaml points its $schema line at a schema that exists', () => {
    const { dir } = scaffoldProject({ cwd: scratch, dir: 'project' });
    const yaml = readFileSync(join(dir, 'connectors.yaml'), 'utf8');
    const schema = /\$schema=(\S+)/.exec(yaml)?.[1];
    expect(schema).toBeDefined();
    expect(existsSync(resolve(dir, schema!))).toBe(true);
    expect(readFileSync(join(dir, '.env.example'), 'utf8')).toContain('INVENTORY_API_TOKEN=');
  });
});
