import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isConnectdError } from '../../errors/index.js';
import { createLogger } from '../../log/index.js';
import { openStore } from '../open-store.js';
import { createTestDatabases } from '../testing.js';
import { acquireDataDirLock, DATA_DIR_LOCK_FILE } from './data-dir-lock.js';

const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
const dbs = createTestDatabases();
const dirs: string[] = [];
const children: Array<ReturnType<typeof spawn>> = [];
afterAll(() => dbs.dispose());
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'connectd-lock-'));
  dirs.push(dir);
  return dir;
}

function writeLock(dir: string, holder: Record<string, unknown>): void {
  writeFileSync(join(dir, DATA_DIR_LOCK_FILE), JSON.stringify({ host: 'elsewhere', token: 'theirs', ...holder }));
}

function readLock(dir: string): { pid: number } {
  return JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8')) as { pid: number };
}

/** A pid that certainly belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('data folder lock', () => {
  it('writes the owner pid and removes the file on release', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    expect(readLock(dir).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
    acquireDataDirLock(dir).release();
  });

  it('refuses a second holder in the same process', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    const err = caught(() => acquireDataDirLock(dir));
    expect(isConnectdError(err, 'CONNECTD_ERR_STORE_DATA_DIR_LOCKED')).toBe(true);
    expect((err as { details: { pid: number; dataDir: string } }).details).toEqual({ pid: process.pid, dataDir: dir });
    lock.release();
  });

  it('refuses while another live process holds it, naming that process', async () => {
    const dir = tempDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    children.push(holder);
    await once(holder, 'spawn');
    writeLock(dir, { pid: holder.pid, startedAtMs: 1 });
    const err = caught(() => acquireDataDirLock(dir));
    expect(isConnectdError(err, 'CONNECTD_ERR_STORE_DATA_DIR_LOCKED')).toBe(true);
    expect((err as { details: { pid: number } }).details.pid).toBe(holder.pid);
    expect(readLock(dir).pid).toBe(holder.pid);
  });

  it('takes over a stale lock whose process is gone', async () => {
    const dir = tempDir();
    writeLock(dir, { pid: await deadPid(), startedAtMs: 1 });
    const lock = acquireDataDirLock(dir);
    expect(readLock(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock left by an earlier process that had our pid (a restarted container)', () => {
    const dir = tempDir();
    writeLock(dir, { pid: process.pid, startedAtMs: Math.round(performance.timeOrigin) - 60_000 });
    const lock = acquireDataDirLock(dir);
    expect(readLock(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over an unreadable lock file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, DATA_DIR_LOCK_FILE), 'not json');
    acquireDataDirLock(dir).release();
  });

  it('does not remove a lock that is no longer its own', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    writeLock(dir, { pid: process.pid, startedAtMs: 1, token: 'someone-else' });
    lock.release();
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(true);
  });

  it('openStore opens a data folder with a stale lock and locks it for itself until close', async () => {
    const dataDir = await dbs.createDataDir();
    writeLock(dataDir, { pid: await deadPid(), startedAtMs: 1 });
    const store = await openStore({ dataDir, log: silent });
    expect(readLock(dataDir).pid).toBe(process.pid);
    const second = await openStore({ dataDir, log: silent }).catch((e: unknown) => e);
    expect(isConnectdError(second, 'CONNECTD_ERR_STORE_DATA_DIR_LOCKED')).toBe(true);
    await store.close();
    expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(false);
  });
});
