import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { advisoryKeyParam, advisoryLockKey } from './advisory-key.js';
import { sqlStateOf } from './driver-errors.js';
import { openStore } from './open-store.js';
import { createTestDatabases, storeBackends } from './testing.js';

const lines: string[] = [];
const log = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } });
const dbs = createTestDatabases();
const scratch = mkdtempSync(join(tmpdir(), 'connectd-open-'));
afterAll(async () => {
  await dbs.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error('expected a failure');
  return err;
}

describe('openStore', () => {
  it('reports an unreachable Postgres with a coded error that never shows the password', async () => {
    const err = await failure(
      openStore({ databaseUrl: 'postgres://app:pw-9f8e7d@127.0.0.1:1/x', dataDir: scratch, log, connectTimeoutMs: 2_000 }),
    );
    expect(err.code).toBe('CONNECTD_ERR_STORE_UNREACHABLE');
    expect(err.details?.['target']).toBe('postgres://app@127.0.0.1:1/x');
    expect(err.message).not.toContain('pw-9f8e7d');
    expect(JSON.stringify(err)).not.toContain('pw-9f8e7d');
  });

  it('rejects a DATABASE_URL that is not a Postgres URL as bad input', async () => {
    const err = await failure(openStore({ databaseUrl: 'http://example.test/db', dataDir: scratch, log }));
    expect(err.code).toBe('CONNECTD_ERR_STORE_DATABASE_URL_INVALID');
  });

  it('reports a data folder it cannot create', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    const err = await failure(openStore({ dataDir: join(file, 'data'), log }));
    expect(err.code).toBe('CONNECTD_ERR_STORE_DATA_DIR_UNUSABLE');
  });

  it('creates a missing data folder and initialises the embedded database in it', async () => {
    const dataDir = join(scratch, 'nested', 'data');
    const store = await openStore({ dataDir, log });
    try {
      expect(store.kind).toBe('pglite');
      expect(store.db.target).toContain(dataDir);
      await store.migrate();
      expect(await store.isReady()).toBe(true);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('advisory lock keys', () => {
  it('derives the same signed 64-bit key from the same name', () => {
    expect(advisoryLockKey('connectd:migrate')).toBe(advisoryLockKey('connectd:migrate'));
    expect(advisoryLockKey('a')).not.toBe(advisoryLockKey('b'));
    const key = advisoryLockKey('x');
    expect(key >= -(2n ** 63n) && key < 2n ** 63n).toBe(true);
  });

  it('refuses keys Postgres cannot hold', () => {
    for (const bad of [2n ** 63n, 1.5, Number.MAX_SAFE_INTEGER + 1]) {
      let err: unknown;
      try {
        advisoryKeyParam(bad);
      } catch (e) {
        err = e;
      }
      expect(isConnectdError(err, 'CONNECTD_ERR_INTERNAL')).toBe(true);
    }
  });
});

describe.each(storeBackends())('statement errors on %s', (backend) => {
  it('keep the SQLSTATE but leave a rejected parameter value out of the message', async () => {
    const store = await dbs.fresh(backend);
    const err = await failure(store.db.query('select $1::int as n', ['tok-5up3r-s3cret']));
    expect(err.code).toBe('CONNECTD_ERR_STORE_QUERY_FAILED');
    expect(sqlStateOf(err)).toBe('22P02');
    expect(err.message).not.toContain('tok-5up3r-s3cret');
  });

  if (backend === 'postgres') {
    it('report a database that does not exist as unreachable', async () => {
      const url = new URL(process.env['TEST_DATABASE_URL'] ?? '');
      url.pathname = '/connectd_no_such_database';
      const err = await failure(openStore({ databaseUrl: url.toString(), dataDir: scratch, log }));
      expect(err.code).toBe('CONNECTD_ERR_STORE_UNREACHABLE');
    });
  }
});
