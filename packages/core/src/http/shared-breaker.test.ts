import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { SharedConnectionBreaker } from './shared-breaker.js';
import type { BreakerStore, SharedBreakerView } from './shared-state.js';

const KEY = { connector: 'storq', connectionId: 'acme' };
const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

/** A breaker store whose every call fails, counting them. */
function unreachableBreakers(): { store: BreakerStore; calls: { n: number } } {
  const calls = { n: 0 };
  const fail = async (): Promise<never> => {
    calls.n++;
    throw Object.assign(new Error('connection refused'), { code: 'CONNECTD_ERR_STORE_UNREACHABLE' });
  };
  return { store: { read: fail, open: fail, claimTrial: fail, settleTrial: fail }, calls };
}

describe('SharedConnectionBreaker', () => {
  const options = {
    connection: 'storq:acme',
    log: silent,
    key: KEY,
    isFailedError: () => false,
    isFailedResult: (r: { status: number }) => r.status >= 500,
  };

  it('reads the shared state at most once per cache period, however many calls', async () => {
    let reads = 0;
    const closed: SharedBreakerView = { state: 'closed', probeInMs: null, trialInFlight: false };
    const store: BreakerStore = {
      read: async () => (reads++, closed),
      open: async () => closed,
      claimTrial: async () => ({ won: false, view: closed }),
      settleTrial: async () => closed,
    };
    const breaker = new SharedConnectionBreaker({ ...options, policy: { failureThreshold: 3, cooldownMs: 1_000 }, store, cacheMs: 3_600_000 });
    await Promise.all(Array.from({ length: 20 }, () => breaker.execute(async () => ({ status: 200 }))));
    await breaker.execute(async () => ({ status: 200 }));
    expect(reads).toBe(1);
  });

  it('goes by what this daemon knows when the store is unreachable: calls go through, its own failures still open it', async () => {
    const { store, calls } = unreachableBreakers();
    const breaker = new SharedConnectionBreaker({ ...options, policy: { failureThreshold: 2, cooldownMs: 60_000 }, store, cacheMs: 0 });
    expect(await breaker.execute(async () => ({ status: 200 }))).toEqual({ status: 200 });
    await breaker.execute(async () => ({ status: 503 }));
    await breaker.execute(async () => ({ status: 503 }));
    expect(breaker.state).toBe('open');
    let sent = false;
    const refused = await breaker
      .execute(async () => {
        sent = true;
        return { status: 200 };
      })
      .catch((err: unknown) => err);
    expect(isConnectdError(refused, 'CONNECTD_ERR_HTTP_BREAKER_OPEN')).toBe(true);
    expect(sent).toBe(false);
    expect(calls.n).toBeGreaterThan(0);
  });
});
