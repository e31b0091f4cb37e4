// The throwaway Postgres database a benchmark runs in: created on the server of DATABASE_URL (else
// TEST_DATABASE_URL, else the local test server) under a random name, dropped after the run. The
// test kit's helper makes and drops it (store/testing.ts), so benchmarks and tests share one way.
import { createTestDatabases } from '../dist/store/testing.js';

/** The Postgres server benchmarks use. */
export const benchServerUrl = () => process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Creates a fresh database; `drop()` removes it (with force: a bench that failed may hold connections).
 * @example
 * const db = await createFreshDatabase();
 * try { ... openStore({ databaseUrl: db.url, ... }) ... } finally { await db.drop(); }
 */
export async function createFreshDatabase(serverUrl = benchServerUrl()) {
  const databases = createTestDatabases({ postgresUrl: serverUrl });
  const url = await databases.createPostgresDatabase();
  return { name: new URL(url).pathname.slice(1), url, drop: () => databases.dispose() };
}
