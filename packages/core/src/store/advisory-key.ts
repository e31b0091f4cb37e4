import { createHash } from 'node:crypto';
import { INTERNAL } from '../errors/index.js';

const INT64_MIN = -(2n ** 63n);
const INT64_LIMIT = 2n ** 63n;

/**
 * A stable 64-bit advisory-lock key for a name, so features pick readable names instead of
 * coordinating magic numbers: the first 8 bytes of SHA-256(name) as a signed bigint.
 * @example
 * await db.withAdvisoryLock(advisoryLockKey(`token-refresh:${connectionId}`), async (tx) => { ... });
 */
export function advisoryLockKey(name: string): bigint {
  return createHash('sha256').update(name).digest().readBigInt64BE(0);
}

/** Checks a key fits Postgres' `bigint` and renders it for a `$1::bigint` parameter. */
export function advisoryKeyParam(key: bigint | number): string {
  if (typeof key === 'number' && !Number.isSafeInteger(key)) {
    throw INTERNAL({ message: `advisory lock key ${key} is not a safe integer` });
  }
  const big = BigInt(key);
  if (big < INT64_MIN || big >= INT64_LIMIT) throw INTERNAL({ message: `advisory lock key ${big} does not fit in a bigint` });
  return big.toString();
}
