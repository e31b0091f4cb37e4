import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import { MIGRATIONS } from './migrations/index.js';
import { openStore } from './open-store.js';
import { createTestDatabases, serverStoreBackend } from './testing.js';

// Real processes: each child opens the store compiled into packages/core/dist (children cannot
// load TypeScript), so dist is rebuilt first when it is missing or older than the store's sources.
const coreDir = fileURLToPath(new URL('../../', import.meta.url));
const distDir = join(coreDir, 'dist');
const childScript = fileURLToPath(new URL('./testdata/store-child.mjs', import.meta.url));
const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
const dbs = createTestDatabases();
const children: ChildProcessWithoutNullStreams[] = [];

/** Source files of the folders the child imports, paired with what tsc emits for them. */
function sourcesAndOutputs(dir: string, rel = ''): Array<[string, string]> {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((entry): Array<[string, string]> => {
    const path = join(rel, entry.name);
    if (entry.isDirectory()) return sourcesAndOutputs(dir, path);
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) return [];
    return [[join(dir, path), join(distDir, path.replace(/\.ts$/, '.js'))]];
  });
}

function distIsFresh(): boolean {
  const pairs = ['store', 'errors', 'log'].flatMap((folder) => sourcesAndOutputs(join(coreDir, 'src'), folder));
  return pairs.every(([source, output]) => {
    try {
      return statSync(output).mtimeMs >= statSync(source).mtimeMs;
    } catch {
      return false;
    }
  });
}

beforeAll(() => {
  if (distIsFresh()) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // tsc -b still emits when other folders have type errors; what matters is that ours got built.
  const build = spawnSync(process.execPath, [tsc, '-b', coreDir], { encoding: 'utf8' });
  if (!distIsFresh()) throw new Error(`could not build ${distDir}:\n${build.stdout}\n${build.stderr}`);
}, 120_000);

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(() => dbs.dispose());

interface Child {
  next(): Promise<Record<string, unknown>>;
  go(): void;
}

function startChild(mode: 'migrate' | 'open', target: string): Child {
  const child = spawn(process.execPath, [childScript, mode, distDir, target], { stdio: 'pipe' });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async next() {
      const line = await lines.next();
      if (line.done === true) throw new Error(`child (${mode}) ended without a message; stderr:\n${stderr}`);
      return JSON.parse(line.value) as Record<string, unknown>;
    },
    go() {
      child.stdin.write('go\n');
    },
  };
}

describe('embedded store across processes', () => {
  it('a second process cannot open a data folder this process has open, and is told which pid holds it', async () => {
    const dataDir = await dbs.createDataDir();
    const store = await openStore({ dataDir, log: silent });
    try {
      const message = await startChild('open', dataDir).next();
      expect(message).toMatchObject({ code: 'CONNECTD_ERR_STORE_DATA_DIR_LOCKED', details: { pid: process.pid } });
    } finally {
      await store.close();
    }
    expect(await startChild('open', dataDir).next()).toEqual({ opened: true });
  });
});

describe.each(serverStoreBackend())('store on %s across processes', () => {
  it('two processes migrating one database at the same moment apply the migrations exactly once', async () => {
    const databaseUrl = await dbs.createPostgresDatabase();
    const first = startChild('migrate', databaseUrl);
    const second = startChild('migrate', databaseUrl);
    expect(await Promise.all([first.next(), second.next()])).toEqual([{ ready: true }, { ready: true }]);
    first.go();
    second.go();
    const results = await Promise.all([first.next(), second.next()]);
    expect(results.every((r) => Array.isArray(r['applied'])), JSON.stringify(results)).toBe(true);
    const applied = results.map((r) => r['applied'] as string[]).sort((a, b) => a.length - b.length);
    expect(applied).toEqual([[], MIGRATIONS.map((m) => m.name)]);

    // The same tables as a database one process migrated alone (store.test.ts names them).
    const tablesOf = async (url: string): Promise<string[]> => {
      const store = await openStore({ databaseUrl: url, dataDir: coreDir, log: silent });
      try {
        expect(await store.isReady()).toBe(true);
        const recorded = await store.db.query('select name from connectd_engine.migrations');
        expect(recorded.rowCount).toBe(MIGRATIONS.length);
        const { rows } = await store.db.query<{ name: string }>(
          `select table_schema || '.' || table_name as name from information_schema.tables
           where table_schema in ('connectd', 'connectd_engine') order by 1`,
        );
        return rows.map((r) => r.name);
      } finally {
        await store.close();
      }
    };
    const alone = await dbs.createPostgresDatabase();
    const single = await openStore({ databaseUrl: alone, dataDir: coreDir, log: silent });
    try {
      await single.migrate();
    } finally {
      await single.close();
    }
    const tables = await tablesOf(databaseUrl);
    expect(tables.length).toBeGreaterThan(15);
    expect(tables).toEqual(await tablesOf(alone));
  });
});
