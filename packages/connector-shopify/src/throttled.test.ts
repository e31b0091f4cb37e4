import type { ComponentContext, ReceivedPage } from '@connectd/core/connector';
import { describe, expect, it } from 'vitest';
import { classifyThrottled, shopifyThrottled } from './throttled.js';

const log = { child: () => log } as unknown as ComponentContext['log'];
const ctx: ComponentContext = { log, signal: new AbortController().signal, now: () => new Date() };
const QUERY = '{ products(first: 50) { nodes { id } } }';

const page = (body: unknown, status = 200): ReceivedPage => ({
  request: { method: 'POST', url: 'https://shop.example/admin/api/2025-01/graphql.json', headers: {}, body: JSON.stringify({ query: QUERY }) },
  status,
  headers: {},
  body,
});

const THROTTLED_ERRORS = [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }];

describe('shopify/throttled', () => {
  it('makes a THROTTLED answer a rate limit that waits for the missing points at the restore rate', () => {
    const classifier = shopifyThrottled.create({}, ctx);
    const throttleStatus = { maximumAvailable: 1000, currentlyAvailable: 50, restoreRate: 50 };
    const body = { errors: THROTTLED_ERRORS, extensions: { cost: { requestedQueryCost: 102, actualQueryCost: null, throttleStatus } } };
    expect(classifier.classify(page(body))).toEqual({ kind: 'rate-limited', retryAfterMs: 1_040 });
    expect(classifier.classify(page(body, 429))).toEqual({ kind: 'rate-limited', retryAfterMs: 1_040 });
  });

  it("estimates the query's cost when the answer does not say it", () => {
    const throttleStatus = { maximumAvailable: 1000, currentlyAvailable: 2, restoreRate: 100 };
    expect(classifyThrottled(page({ errors: THROTTLED_ERRORS, extensions: { cost: { throttleStatus } } }))).toEqual({ kind: 'rate-limited', retryAfterMs: 500 });
  });

  it('leaves the wait to Retry-After or the backoff when there is no throttle status', () => {
    expect(classifyThrottled(page({ errors: THROTTLED_ERRORS }))).toEqual({ kind: 'rate-limited' });
  });

  it('has no opinion about other answers, errors included', () => {
    expect(classifyThrottled(page({ data: { products: { nodes: [] } } }))).toBe('ok');
    expect(classifyThrottled(page({ errors: [{ message: 'Field missing', extensions: { code: 'undefinedField' } }] }))).toBe('ok');
    expect(classifyThrottled(page('<html>'))).toBe('ok');
    expect(classifyThrottled(page({ errors: 'Exceeded 2 calls per second for api client.' }, 429))).toBe('ok');
  });
});
