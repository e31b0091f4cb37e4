import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { ConnectionBreaker } from './breaker.js';
import type { BreakerPolicy } from './policies.js';
import type { BreakerState, HttpMetrics } from './types.js';

interface Result {
  status: number;
}

function setup(policy: BreakerPolicy) {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const states: BreakerState[] = [];
  const metrics: HttpMetrics = { attempt: () => {}, rateLimitWait: () => {}, breakerState: (e) => states.push(e.state) };
  const breaker = new ConnectionBreaker<Result>({
    connection: 'c1',
    policy,
    log: createLogger({ destination }),
    metrics,
    isFailedError: (err) => (err as { counted?: boolean }).counted === true,
    isFailedResult: (r) => r.status >= 500 || r.status === 429,
  });
  const lines = (): Array<Record<string, unknown>> => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { breaker, states, lines };
}

const failing = Object.assign(new Error('down'), { counted: true, code: 'ECONNRESET' });
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ConnectionBreaker', () => {
  it('opens after the threshold of consecutive failures and then fails fast without calling', async () => {
    const { breaker, states } = setup({ failureThreshold: 3, cooldownMs: 10_000 });
    let calls = 0;
    const call = () => breaker.execute(async () => {
      calls++;
      return { status: 503 };
    });
    await call();
    await call();
    expect(breaker.state).toBe('closed');
    await call();
    expect(breaker.state).toBe('open');
    let caught: unknown;
    try {
      await call();
    } catch (err) {
      caught = err;
    }
    expect(calls).toBe(3);
    expect(isConnectdError(caught, 'CONNECTD_ERR_HTTP_BREAKER_OPEN')).toBe(true);
    const details = (caught as { details: { retryInMs: number; probeAt: string } }).details;
    expect(details.retryInMs).toBeGreaterThan(9_000);
    expect(Date.parse(details.probeAt)).toBe(breaker.probeAt);
    expect(states).toEqual(['closed', 'open']);
  });

  it('counts thrown failures, and a success in between resets the count', async () => {
    const { breaker } = setup({ failureThreshold: 2, cooldownMs: 10_000 });
    await expect(breaker.execute(async () => Promise.reject(failing))).rejects.toBe(failing);
    await breaker.execute(async () => ({ status: 404 })); // the vendor answered: not a failure
    await expect(breaker.execute(async () => Promise.reject(failing))).rejects.toBe(failing);
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(async () => Promise.reject(failing))).rejects.toBe(failing);
    expect(breaker.state).toBe('open');
  });

  it('ignores errors it is not told to count', async () => {
    const { breaker } = setup({ failureThreshold: 1, cooldownMs: 10_000 });
    const aborted = new Error('aborted');
    await expect(breaker.execute(async () => Promise.reject(aborted))).rejects.toBe(aborted);
    expect(breaker.state).toBe('closed');
  });

  it('lets one probe through after the cool-down and closes on its success, logging each change', async () => {
    const { breaker, states, lines } = setup({ failureThreshold: 1, cooldownMs: 150 });
    await breaker.execute(async () => ({ status: 500 }));
    expect(breaker.state).toBe('open');
    await wait(200);
    const probes: boolean[] = [];
    let releaseProbe!: () => void;
    const probe = breaker.execute(async (isProbe) => {
      probes.push(isProbe);
      await new Promise<void>((resolve) => (releaseProbe = resolve));
      return { status: 200 };
    });
    expect(breaker.state).toBe('half_open');
    // A call during the probe waits for its outcome and then runs normally.
    const follower = breaker.execute(async (isProbe) => {
      probes.push(isProbe);
      return { status: 200 };
    });
    await wait(20);
    expect(probes).toEqual([true]);
    releaseProbe();
    await probe;
    await follower;
    expect(probes).toEqual([true, false]);
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['closed', 'open', 'half_open', 'closed']);
    const logged = lines().filter((l) => typeof l.breaker === 'string');
    expect(logged.map((l) => [l.level, l.breaker])).toEqual([
      [40, 'open'],
      [30, 'half_open'],
      [30, 'closed'],
    ]);
  });

  it('opens again when the probe fails', async () => {
    const { breaker, states } = setup({ failureThreshold: 1, cooldownMs: 100 });
    await breaker.execute(async () => ({ status: 502 }));
    await wait(150);
    await breaker.execute(async () => ({ status: 503 }));
    expect(breaker.state).toBe('open');
    expect(states).toEqual(['closed', 'open', 'half_open', 'open']);
  });

  it('opens on a failure ratio within a window once the window holds enough calls', async () => {
    const { breaker } = setup({ failureThreshold: 10, cooldownMs: 10_000, failureRatio: 0.5, windowMs: 5_000 });
    for (let i = 0; i < 5; i++) await breaker.execute(async () => ({ status: 503 }));
    expect(breaker.state).toBe('closed'); // all failed, but too few calls to judge
    for (let i = 0; i < 7; i++) await breaker.execute(async () => ({ status: 200 }));
    expect(breaker.state).toBe('closed'); // 5 of 12 failed: below the ratio
    await breaker.execute(async () => ({ status: 503 }));
    await breaker.execute(async () => ({ status: 503 }));
    expect(breaker.state).toBe('closed'); // 7 of 14: at the ratio, not above it
    await breaker.execute(async () => ({ status: 503 }));
    expect(breaker.state).toBe('open'); // 8 of 15
  });

  it('takes a ratio of 1 as "every call in the window failed"', async () => {
    const { breaker } = setup({ failureThreshold: 3, cooldownMs: 10_000, failureRatio: 1, windowMs: 5_000 });
    await breaker.execute(async () => ({ status: 200 }));
    for (let i = 0; i < 5; i++) await breaker.execute(async () => ({ status: 503 }));
    expect(breaker.state).toBe('closed');
    const other = setup({ failureThreshold: 3, cooldownMs: 10_000, failureRatio: 1, windowMs: 5_000 }).breaker;
    for (let i = 0; i < 3; i++) await other.execute(async () => ({ status: 503 }));
    expect(other.state).toBe('open');
  });
});
