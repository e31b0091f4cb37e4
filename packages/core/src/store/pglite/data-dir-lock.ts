import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { STORE_DATA_DIR_LOCKED, STORE_DATA_DIR_UNUSABLE } from '../../errors/index.js';

/** The lock file's name inside the data folder. */
export const DATA_DIR_LOCK_FILE = 'connectd.lock';
/** Contenders for a stale lock retry a few times before giving up; each round is a few syscalls. */
const MAX_ACQUIRE_ROUNDS = 5;

/** What the lock file holds. `startedAtMs` tells this process apart from an earlier one that had the same pid. */
interface LockHolder {
  readonly pid: number;
  readonly startedAtMs: number;
  readonly host: string;
  readonly token: string;
}

/** A held data-folder lock; `release()` removes the file if it is still ours. */
export interface DataDirLock {
  release(): void;
}

/**
 * Takes the exclusive lock on an embedded database folder. PGlite must only be opened by one
 * process: a second one would corrupt it. The file holds the owner's pid; a lock whose process is
 * gone (a crash, a killed container) is taken over.
 * @throws CONNECTD_ERR_STORE_DATA_DIR_LOCKED when a live process holds it
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, DATA_DIR_LOCK_FILE);
  const mine: LockHolder = {
    pid: process.pid,
    startedAtMs: Math.round(performance.timeOrigin),
    host: hostname(),
    token: randomBytes(8).toString('hex'),
  };
  for (let round = 0; round < MAX_ACQUIRE_ROUNDS; round += 1) {
    if (tryCreate(path, mine, dataDir)) return { release: () => releaseIfOurs(path, mine) };
    const holder = readHolder(path);
    if (holder === 'gone') continue;
    if (holder !== 'unreadable' && isAlive(holder)) throw STORE_DATA_DIR_LOCKED({ dataDir, pid: holder.pid });
    takeOverStale(path, holder);
  }
  const holder = readHolder(path);
  throw STORE_DATA_DIR_LOCKED({ dataDir, pid: typeof holder === 'object' ? holder.pid : 0 });
}

/** Creates the lock atomically with its content: write a private file, then hard-link it into place. */
function tryCreate(path: string, mine: LockHolder, dataDir: string): boolean {
  const temp = `${path}.${mine.token}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
    linkSync(temp, path);
    return true;
  } catch (err) {
    if (errno(err) === 'EEXIST') return false;
    throw STORE_DATA_DIR_UNUSABLE({ dataDir, reason: `cannot create ${DATA_DIR_LOCK_FILE}: ${errno(err) ?? String(err)}` }, { cause: err });
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file was never created; nothing to clean.
    }
  }
}

function readHolder(path: string): LockHolder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return errno(err) === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.startedAtMs === 'number' && typeof parsed.token === 'string') {
      return { pid: parsed.pid, startedAtMs: parsed.startedAtMs, host: String(parsed.host ?? ''), token: parsed.token };
    }
  } catch {
    // Fall through: a hand-edited or truncated lock file cannot name a live owner.
  }
  return 'unreadable';
}

/**
 * Whether the lock's owner still runs. Only the pid can be checked: the host name is recorded for
 * people, not compared, because containers get a new one on every restart while keeping the folder.
 */
function isAlive(holder: LockHolder): boolean {
  if (holder.pid === process.pid) return holder.startedAtMs === Math.round(performance.timeOrigin);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return errno(err) !== 'ESRCH';
  }
}

/**
 * Moves a stale lock aside. Two processes may both have judged it stale; the rename lets only one
 * of them move it. If what we moved turns out to be a fresh lock that a faster contender wrote in
 * between, we put it back and the next round reports it as held.
 */
function takeOverStale(path: string, stale: LockHolder | 'unreadable'): void {
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  const moved = readHolder(aside);
  const movedFresh = typeof moved === 'object' && (stale === 'unreadable' || moved.token !== stale.token);
  if (movedFresh) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process created a lock in the instant the path was free. Three processes racing
      // for one stale lock within microseconds is not worth more machinery; theirs stands.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // Already gone; nothing to do.
  }
}

function releaseIfOurs(path: string, mine: LockHolder): void {
  const holder = readHolder(path);
  if (typeof holder === 'object' && holder.token === mine.token) {
    try {
      unlinkSync(path);
    } catch {
      // Removed by someone else already; the lock is released either way.
    }
  }
}

function errno(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
