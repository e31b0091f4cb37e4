import type { ComponentContext, ReceivedPage } from '@connectd/core/connector';
import { describe, expect, it } from 'vitest';
import { CALL_LIMIT_HEADER, parseCallLimit, shopifyCallLimit } from './call-limit.js';

const log = { child: () => log } as unknown as ComponentContext['log'];
const ctx: ComponentContext = { log, signal: new AbortController().signal, now: () => new Date() };

const page = (value: string | string[] | undefined, status = 200): ReceivedPage => ({
  request: { method: 'GET', url: 'https://shop.example/admin/api/2025-01/products.json', headers: {} },
  status,
  headers: value === undefined ? {} : { [CALL_LIMIT_HEADER]: value },
  body: {},
});

describe('parseCallLimit', () => {
  it('reads used/size as Shopify writes it', () => {
    expect(parseCallLimit('1/40')).toEqual({ used: 1, size: 40 });
    expect(parseCallLimit(' 40 / 40 ')).toEqual({ used: 40, size: 40 });
    expect(parseCallLimit(['32/400'])).toEqual({ used: 32, size: 400 });
  });

  it('ignores anything else', () => {
    for (const bad of [undefined, '', '40', '1/0', 'a/b', '1/40/2']) expect(parseCallLimit(bad), String(bad)).toBeUndefined();
  });
});

describe('shopify/call-limit', () => {
  it('reports the leaky bucket: room left, size, and the leak rate of the plan the size implies', () => {
    const adapter = shopifyCallLimit.create({}, ctx);
    expect(adapter.observe(page('32/40'))).toEqual({ available: 8, maximum: 40, restorePerSecond: 2, remainingRatio: 0.2 });
    expect(adapter.observe(page('0/400'))?.restorePerSecond).toBe(20);
  });

  it('takes the leak rate it is given', () => {
    expect(shopifyCallLimit.create({ leak_per_second: 4 }, ctx).observe(page('40/40'))).toEqual({ available: 0, maximum: 40, restorePerSecond: 4, remainingRatio: 0 });
  });

  it('says nothing when the header is missing, and prices every request at 1', () => {
    const adapter = shopifyCallLimit.create({}, ctx);
    expect(adapter.observe(page(undefined, 502))).toBeUndefined();
    expect(adapter.costOf).toBeUndefined();
  });
});
