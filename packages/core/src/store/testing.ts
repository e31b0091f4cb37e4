import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { INTERNAL } from '../errors/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { openStore, type Store } from './open-store.js';
import { copyClusterTemplate } from './pglite/cluster-template.js';
import { PGLITE_CLUSTER_DIR } from './pglite/pglite-database.js';

/** A database engine a store suite can run on. */
export type StoreBackend = 'pglite' | 'postgres';

/**
 * The backends to test on: PGlite always, Postgres when `TEST_DATABASE_URL` is set.
 * @example
 * describe.each(storeBackends())('store on %s', (backend) => { ... });
 */
export function storeBackends(env: Readonly<Record<string, string | undefined>> = process.env): StoreBackend[] {
  const url = env['TEST_DATABASE_URL'];
  return url !== undefined && url !== '' ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * One backend: Postgres when `TEST_DATABASE_URL` is set, else PGlite. For process suites whose
 * behaviour does not depend on the store (HTTP, signatures, delivery order): the store's own
 * suites and the embedded quick starts and crash suites prove both engines, and a second,
 * embedded run of a daemon suite costs the suite twice its time and proves nothing more.
 * @example
 * describe.each(oneStoreBackend())('security of a running daemon on %s', (backend) => { ... });
 */
export function oneStoreBackend(env: Readonly<Record<string, string | undefined>> = process.env): StoreBackend[] {
  return storeBackends(env).slice(-1);
}

/**
 * Postgres alone, when `TEST_DATABASE_URL` is set (else none): for what only a server store can
 * do, such as several processes or pools on one database.
 * @example
 * describe.each(serverStoreBackend())('three daemons on one %s', () => { ... });
 */
export function serverStoreBackend(env: Readonly<Record<string, string | undefined>> = process.env): StoreBackend[] {
  return storeBackends(env).filter((backend) => backend === 'postgres');
}

export interface TestDatabasesOptions {
  /** Server on which fresh databases are created; default `TEST_DATABASE_URL`. */
  readonly postgresUrl?: string;
  /** Logger for the stores; default silent. */
  readonly log?: Logger;
}

export interface FreshStoreOptions {
  /** Apply connectd's migrations before returning; default false (an empty database). */
  readonly migrate?: boolean;
}

/** Fresh, isolated databases for one test file. */
export interface TestDatabases {
  /**
   * A store on an empty database. Postgres: a new `connectd_t_<random>` database on the test
   * server. PGlite: one instance per test file (initdb costs seconds), wiped of every schema and
   * advisory lock before each call. The previous store this helper gave out for the backend is
   * closed (PGlite: reused unless the test closed it).
   */
  fresh(backend: StoreBackend, options?: FreshStoreOptions): Promise<Store>;
  /** An empty Postgres database on the test server, for tests that open it themselves (child processes). */
  createPostgresDatabase(): Promise<string>;
  /** A data folder holding an initialised, empty embedded cluster, not opened: for `openStore({ dataDir })` or a daemon. */
  createDataDir(): Promise<string>;
  /** Closes every store, drops every database and removes every folder this helper made. Call in `afterAll`. */
  dispose(): Promise<void>;
}

/**
 * Gives a test file fresh databases on every backend.
 * @example
 * const dbs = createTestDatabases();
 * afterAll(() => dbs.dispose());
 * describe.each(storeBackends())('on %s', (backend) => {
 *   it('keeps a tenant', async () => {
 *     const store = await dbs.fresh(backend, { migrate: true });
 *     await store.db.query(`insert into connectd_engine.tenants (id) values ('t1')`);
 *   });
 * });
 */
export function createTestDatabases(options: TestDatabasesOptions = {}): TestDatabases {
  return new TestDatabasesImpl(options);
}

/** Drops every non-system schema (ours and anything a test made) and recreates an empty `public`. */
const RESET_SQL = `
do $$
declare s record;
begin
  for s in select nspname from pg_namespace
           where nspname not like 'pg\\_%' and nspname <> 'information_schema' loop
    execute format('drop schema %I cascade', s.nspname);
  end loop;
  create schema public;
end $$;
select pg_advisory_unlock_all();`;

class TestDatabasesImpl implements TestDatabases {
  #postgresUrl: string | undefined;
  #log: Logger;
  #dataDirs: string[] = [];
  #databases: string[] = [];
  #stores = new Set<Store>();
  #pglite: { store: Store; dataDir: string; closed: boolean } | undefined;
  #postgres: { store: Store; name: string } | undefined;

  constructor(options: TestDatabasesOptions) {
    this.#postgresUrl = options.postgresUrl ?? process.env['TEST_DATABASE_URL'];
    // A no-op destination keeps pino from ever starting a pretty-printing worker on a TTY.
    this.#log = options.log ?? createLogger({ level: 'silent', destination: { write: () => undefined } });
  }

  async fresh(backend: StoreBackend, options: FreshStoreOptions = {}): Promise<Store> {
    const store = backend === 'pglite' ? await this.#freshPglite() : await this.#freshPostgres();
    if (options.migrate === true) await store.migrate();
    return store;
  }

  async createPostgresDatabase(): Promise<string> {
    const serverUrl = this.#postgresUrl;
    if (serverUrl === undefined || serverUrl === '') {
      throw INTERNAL({ message: 'createPostgresDatabase needs TEST_DATABASE_URL; list backends with storeBackends()' });
    }
    const name = `connectd_t_${randomBytes(6).toString('hex')}`;
    await withAdminClient(serverUrl, (client) => client.query(`create database ${name}`));
    this.#databases.push(name);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async createDataDir(): Promise<string> {
    const dataDir = mkdtempSync(join(tmpdir(), 'connectd-test-'));
    this.#dataDirs.push(dataDir);
    await copyClusterTemplate(join(dataDir, PGLITE_CLUSTER_DIR));
    return dataDir;
  }

  async dispose(): Promise<void> {
    await Promise.allSettled([...this.#stores].map((store) => store.close()));
    this.#stores.clear();
    this.#pglite = undefined;
    this.#postgres = undefined;
    await this.#dropDatabases([...this.#databases]);
    for (const dir of this.#dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }

  async #freshPglite(): Promise<Store> {
    const current = this.#pglite;
    if (current !== undefined && !current.closed) {
      await current.store.db.exec(RESET_SQL);
      return current.store;
    }
    // Reuse the folder of a store a test closed: reopening takes well under a second.
    const dataDir = current?.dataDir ?? (await this.createDataDir());
    const opened = await openStore({ dataDir, log: this.#log });
    if (current !== undefined) await opened.db.exec(RESET_SQL);
    const entry = { store: opened, dataDir, closed: false };
    entry.store = this.#track(opened, () => {
      entry.closed = true;
    });
    this.#pglite = entry;
    return entry.store;
  }

  async #freshPostgres(): Promise<Store> {
    const previous = this.#postgres;
    if (previous !== undefined) {
      // Drop the previous test's database now rather than at dispose(), so a long file does not
      // pile databases up on the server.
      await previous.store.close();
      this.#stores.delete(previous.store);
      await this.#dropDatabases([previous.name]);
    }
    const databaseUrl = await this.createPostgresDatabase();
    const store = this.#track(await openStore({ databaseUrl, dataDir: tmpdir(), log: this.#log }), () => undefined);
    this.#postgres = { store, name: new URL(databaseUrl).pathname.slice(1) };
    return store;
  }

  async #dropDatabases(names: string[]): Promise<void> {
    const serverUrl = this.#postgresUrl;
    if (names.length === 0 || serverUrl === undefined) return;
    this.#databases = this.#databases.filter((name) => !names.includes(name));
    await withAdminClient(serverUrl, async (client) => {
      for (const name of names) await client.query(`drop database if exists ${name} with (force)`);
    });
  }

  /** Wraps `close` so the helper learns when a test closed the store itself. */
  #track(store: Store, onClose: () => void): Store {
    const tracked: Store = {
      db: store.db,
      kind: store.kind,
      migrate: () => store.migrate(),
      pendingMigrations: () => store.pendingMigrations(),
      ping: () => store.ping(),
      isReady: () => store.isReady(),
      close: async () => {
        onClose();
        await store.close();
      },
    };
    this.#stores.add(tracked);
    return tracked;
  }
}

async function withAdminClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
