import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.js';
import { compileDestinations, eventMatcher } from './compile.js';
import { EndpointBreaker, BREAKER_FAILURE_THRESHOLD, BREAKER_OPEN_MS } from './endpoint-breaker.js';
import { signatureHeaders, signingKey } from './signature.js';

describe('Standard Webhooks signature', () => {
  it('matches the test vector of the specification', () => {
    // standard-webhooks/standard-webhooks, libraries' shared test vector.
    const key = signingKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')!;
    const headers = signatureHeaders(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('refuses secrets that are not whsec_<base64>', () => {
    expect(signingKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBeUndefined();
    expect(signingKey('whsec_')).toBeUndefined();
    expect(signingKey('whsec_not base64!')).toBeUndefined();
  });
});

describe('destinations', () => {
  it('matches event patterns with * anywhere', () => {
    const accepts = eventMatcher(['inventory_level.*', 'order.created', 'connection.*']);
    expect(['inventory_level.updated', 'order.created', 'connection.needs_reauth'].every(accepts)).toBe(true);
    expect(['order.updated', 'inventory_levelx.updated', 'product.created', 'sync.failed'].some(accepts)).toBe(false);
    expect(eventMatcher(['*'])('breaker.opened')).toBe(true);
    expect(eventMatcher(['*.deleted'])('product.deleted')).toBe(true);
  });

  it('leaves a destination idle when its secret or url variable is missing', () => {
    const [missing, bad, ok] = compileDestinations({
      a: { url: 'http://127.0.0.1:1/e', secret: '', events: ['*'] },
      b: { url: '', secret: 'whsec_AAAA', events: ['*'] },
      c: { url: 'http://127.0.0.1:1/e', secret: 'whsec_AAAA', events: ['*'], timeout_ms: 500, retry_hours: 1 },
    });
    expect(missing?.idle).toMatch(/secret is not set/);
    expect(bad?.idle).toMatch(/url is not set/);
    expect(ok).toMatchObject({ idle: undefined, timeoutMs: 500, retryWindowMs: 3_600_000 });
    expect(ok?.key).toEqual(Buffer.from('AAAA', 'base64'));
  });
});

describe('delivery policy', () => {
  it('backs off exponentially up to an hour', () => {
    const none = (): number => 0;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, none))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(40, none)).toBe(3_600_000);
    expect(retryDelayMs(1, () => 1)).toBe(6_000);
  });

  it('opens the endpoint breaker after failures in a row, probes once, closes on success', () => {
    let now = 0;
    const breaker = new EndpointBreaker(() => now);
    const changes: Array<string | undefined> = [];
    for (let i = 0; i < BREAKER_FAILURE_THRESHOLD; i += 1) changes.push(breaker.record(false));
    expect(changes.at(-1)).toBe('opened');
    expect(breaker.admits()).toBe(0);
    now += BREAKER_OPEN_MS;
    expect(breaker.admits()).toBe(1);
    expect(breaker.admits()).toBe(0);
    expect(breaker.record(false)).toBeUndefined();
    expect(breaker.state).toBe('open');
    now += BREAKER_OPEN_MS;
    expect(breaker.admits()).toBe(1);
    expect(breaker.record(true)).toBe('closed');
    expect(breaker.admits()).toBe(Number.POSITIVE_INFINITY);
  });
});
