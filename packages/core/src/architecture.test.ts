import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The import rules of docs/architecture.md: which folder of packages/core/src may import which.
 * `types` lists folders that may be imported for types only. Lower layers never import higher ones.
 */
const RULES: Record<string, { may: string[]; types?: string[] }> = {
  errors: { may: [] },
  'json-schema': { may: [] },
  json: { may: [] },
  log: { may: ['errors'] },
  config: { may: ['errors', 'log', 'json-schema'], types: ['connector'] },
  connector: { may: ['errors', 'json-schema'], types: ['log'] },
  mapping: { may: ['errors', 'json-schema'] },
  pagination: { may: ['errors', 'log', 'connector', 'json-schema'] },
  http: { may: ['errors', 'log', 'json'], types: ['connector'] },
  auth: { may: ['errors', 'log', 'http', 'connector', 'json-schema'], types: ['store'] },
  store: { may: ['errors', 'log'] },
  jobs: { may: ['errors', 'log'], types: ['store'] },
  webhooks: { may: ['errors', 'log', 'connector', 'mapping', 'http', 'json', 'json-schema'], types: ['store'] },
  sync: { may: ['errors', 'log', 'connector', 'http', 'auth', 'pagination', 'mapping', 'jobs'], types: ['store'] },
  oauth: { may: ['errors', 'log', 'connector', 'http', 'auth', 'store'] },
  actions: { may: ['errors', 'log', 'connector', 'http', 'auth', 'mapping', 'jobs', 'json-schema'], types: ['store'] },
  project: { may: ['errors', 'log', 'config', 'connector', 'mapping', 'pagination', 'auth', 'webhooks', 'sync', 'actions', 'json-schema', 'flows'] },
  connections: { may: ['errors', 'log', 'connector', 'http', 'auth'], types: ['project', 'store', 'webhooks'] },
  replay: { may: ['errors', 'log', 'mapping', 'webhooks'], types: ['connector', 'store', 'sync'] },
  status: { may: ['jobs'], types: ['connections', 'project', 'store'] },
  retention: { may: ['errors', 'log'], types: ['config'] },
  changes: { may: ['errors', 'log', 'store'] },
  destinations: { may: ['errors', 'log', 'store', 'changes', 'http'], types: ['config'] },
  flows: { may: ['errors', 'log', 'store', 'changes', 'mapping', 'actions'], types: ['config', 'connector', 'jobs'] },
  persist: { may: ['errors', 'store', 'jobs', 'connections', 'webhooks'], types: ['mapping', 'sync', 'replay', 'status', 'retention', 'http'] },
  daemon: {
    may: ['errors', 'log', 'config', 'connector', 'mapping', 'http', 'auth', 'store', 'jobs', 'webhooks', 'sync', 'actions', 'oauth', 'project', 'connections', 'replay', 'status', 'retention', 'persist', 'destinations', 'changes', 'flows'],
  },
  scaffold: { may: ['errors'] },
  cli: { may: ['daemon', 'project', 'replay', 'config', 'errors', 'log', 'scaffold'], types: ['status', 'jobs'] },
};

/** SQL statements in string literals: only store/ may hold them (and testing/, whose kits inspect a test's store). */
const SQL = /\b(select\s[\s\S]{0,200}?\sfrom\s|insert\s+into\s|update\s+[\w."]+\s+set\s|delete\s+from\s|create\s+(table|index)\s|alter\s+table\s)/i;

function sqlOutsideStore(root: string): string[] {
  return files(root)
    .filter((file) => !['store', 'testing'].includes(relative(root, file).split('/')[0]!))
    .filter((file) => [...readFileSync(file, 'utf8').matchAll(/`[^`]*`|'[^'\n]*'|"[^"\n]*"/g)].some((m) => SQL.test(m[0])))
    .map((file) => relative(root, file));
}

const srcRoot = import.meta.dirname;

function layerViolations(all: ImportEdge[]): string[] {
  return all
    .filter((e) => e.from in RULES)
    .filter((e) => {
      const rule = RULES[e.from]!;
      if (rule.may.includes(e.to)) return false;
      return !(e.typeOnly && (rule.types ?? []).includes(e.to));
    })
    .map((e) => `${e.file} imports ${e.specifier} (${e.from} → ${e.to})`);
}

/** The plugin contract's entry, which imports leaf modules on purpose (its own test below holds the list). */
const CONTRACT_ENTRY = 'connector.ts';

function deepImports(all: ImportEdge[]): string[] {
  return all.filter((e) => e.file !== CONTRACT_ENTRY && e.target !== `${e.to}/index.js`).map((e) => `${e.file} imports ${e.specifier}`);
}

/**
 * Every module a file loads at run time (its value imports, followed), relative to `root`, and the
 * packages among them. Type-only imports are erased by the compiler and load nothing.
 */
function valueClosure(root: string, entry: string): { modules: string[]; packages: string[] } {
  const valueImport = /^\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (modules.has(file)) return;
    modules.add(file);
    for (const m of readFileSync(join(root, file), 'utf8').matchAll(valueImport)) {
      const specifier = (m[1] ?? m[2])!;
      if (specifier.startsWith('.')) visit(relative(root, resolve(dirname(join(root, file)), specifier)).replace(/\.js$/, '.ts'));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { modules: [...modules].sort(), packages: [...packages].sort() };
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(name) && !name.endsWith('testing.ts') ? [path] : [];
  });
}

interface ImportEdge {
  file: string;
  from: string;
  to: string;
  /** The imported module, relative to src/ (e.g. `errors/index.js`). */
  target: string;
  specifier: string;
  typeOnly: boolean;
}

function edges(srcRoot: string): ImportEdge[] {
  const importRe = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  return files(srcRoot).flatMap((file) => {
    const from = relative(srcRoot, file).split('/')[0]!;
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(importRe)].flatMap((m) => {
      const specifier = m[3] ?? m[4]!;
      if (!specifier.startsWith('.')) return [];
      const target = relative(srcRoot, resolve(dirname(file), specifier));
      const to = target.split('/')[0]!;
      if (to === from || !(to in RULES)) return [];
      return [{ file: relative(srcRoot, file), from, to, target, specifier, typeOnly: m[2] !== undefined }];
    });
  });
}

describe('architecture of packages/core/src', () => {
  const all = edges(srcRoot);

  it('finds the folders it checks', () => {
    expect(all.length).toBeGreaterThan(0);
  });

  it('lets each folder import only the folders its layer allows', () => {
    expect(layerViolations(all)).toEqual([]);
  });

  it('crosses folders only through their index.ts', () => {
    expect(deepImports(all)).toEqual([]);
  });

  it('runs SQL only in store/', () => {
    expect(sqlOutsideStore(srcRoot)).toEqual([]);
  });

  it('catches a forbidden import, a value import of a types-only layer, a deep import, and SQL outside store/', () => {
    const root = mkdtempSync(join(tmpdir(), 'connectd-arch-'));
    const write = (file: string, text: string): void => {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    write('store/index.ts', "export { x } from './x.js';\n");
    write('store/x.ts', "import { client } from '../http/index.js';\nexport const x = client;\n");
    write('config/a.ts', "import { REGISTRY } from '../connector/index.js';\nimport type { Slot } from '../connector/index.js';\n");
    write('sync/b.ts', "import { helper } from '../store/x.js';\n");
    write('persist/c.ts', "import { Engine } from '../daemon/index.js';\n");
    write('project/d.ts', "import { ConnectionAdmin } from '../connections/index.js';\n");
    write('connections/e.ts', "export const purge = (db) => db.query(`delete from connectd_engine.connections where id = $1`);\n");
    write('store/f.ts', "export const rows = (db) => db.query('select id from connectd_engine.jobs');\n");
    const found = edges(root);
    expect(layerViolations(found)).toEqual([
      'config/a.ts imports ../connector/index.js (config → connector)',
      'persist/c.ts imports ../daemon/index.js (persist → daemon)',
      'project/d.ts imports ../connections/index.js (project → connections)',
      'store/x.ts imports ../http/index.js (store → http)',
      'sync/b.ts imports ../store/x.js (sync → store)',
    ]);
    expect(deepImports(found)).toEqual(['sync/b.ts imports ../store/x.js']);
    expect(sqlOutsideStore(root)).toEqual(['connections/e.ts']);
  });

  it('keeps the plugin contract entry to its leaf modules, so a plugin does not load the engine', () => {
    // Each plugin imports `@connectd/core/connector` from dist, beside the daemon's bundled copy
    // (docs/architecture.md, "Start time"). Through the folders' index files that cost ~0.25 s.
    expect(valueClosure(srcRoot, CONTRACT_ENTRY)).toEqual({
      modules: ['config/define-preset.ts', 'connector.ts', 'connector/contract.ts', 'connector/define.ts', 'errors/connectd-error.ts', 'errors/define-error.ts'],
      packages: [],
    });
  });

  it('keeps plugins on the public plugin contract', () => {
    const isTestKit = (file: string): boolean => /[\\/]src[\\/]testing[\\/]/.test(file) || file.endsWith('.test.ts');
    const packagesRoot = join(srcRoot, '../..');
    const offending = readdirSync(packagesRoot)
      .filter((p) => p.startsWith('connector-'))
      .flatMap((p) => files(join(packagesRoot, p, 'src')))
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/from\s+['"](@connectd\/[^'"]+)['"]/g)]
          .map((m) => m[1]!)
          // A plugin's fake vendor (src/testing/) and its tests may also use core's test kit.
          .filter((spec) => spec !== '@connectd/core/connector' && !(spec === '@connectd/core/testing' && isTestKit(file)))
          .map((spec) => `${relative(packagesRoot, file)} imports ${spec}`),
      );
    expect(offending).toEqual([]);
  });
});
