// The throwaway Postgres database a benchmark runs in: created on the server of DATABASE_URL (else
// TEST_DATABASE_URL, else the local test server) under a random name, dropped after the run.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The Postgres server benchmarks use. */
export const benchServerUrl = () => process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function withAdmin(serverUrl, fn) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh database; `drop()` removes it (with force: a bench that failed may hold connections).
 * @example
 * const db = await createFreshDatabase();
 * try { ... openStore({ databaseUrl: db.url, ... }) ... } finally { await db.drop(); }
 */
export async function createFreshDatabase(serverUrl = benchServerUrl()) {
  const name = `connectd_bench_${randomBytes(5).toString('hex')}`;
  await withAdmin(serverUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withAdmin(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`)),
  };
}
