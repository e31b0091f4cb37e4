/**
 * The preset's shape. Its mappings are evaluated against sample storq objects on the core side,
 * where JSONata lives (packages/core/src/config/bundled-storq.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { CREATE_ORDER_INPUT } from './actions.js';
import { storqDefaultPreset } from './preset.js';

type Plain = Record<string, any>;
const config = storqDefaultPreset.config as Plain;

/** Every string anywhere in a value. */
const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : typeof value === 'object' && value !== null ? Object.values(value).flatMap(strings) : [];

describe('storq/default', () => {
  it('holds no environment: no ${VAR}, no token and no secret, which the config file supplies', () => {
    expect(strings(config).filter((s) => s.includes('${'))).toEqual([]);
    expect(config.auth).toEqual({ type: 'bearer' });
    // Core's hmac set to storq's signature; the secret is the file's (preset-signature.test.ts).
    expect(config.webhooks.verify).toEqual({ type: 'hmac', header: ['Storq-Signature', 'storq.io-signature'], algorithm: 'sha256', encoding: 'hex' });
  });

  it('paces requests at 10/s with a burst of 20 and retries 429 and 5xx', () => {
    expect(config.rate_limit).toEqual({ rate: '10/s', burst: 20 });
    expect(config.retry.retry_on_status).toEqual(expect.arrayContaining([429, 500, 502, 503, 504]));
    expect(config.timeouts).toMatchObject({ connect_ms: expect.any(Number), headers_ms: expect.any(Number), body_ms: expect.any(Number) });
  });

  it('syncs stock every 5 minutes into inventory levels, products into products and orders into orders', () => {
    const streams = config.streams as Record<string, Plain>;
    expect(Object.fromEntries(Object.entries(streams).map(([name, s]) => [name, [s.request.path, s.entity]]))).toEqual({
      stock: ['/stock', 'inventory_level'],
      products: ['/products', 'product'],
      orders: ['/orders', 'order'],
    });
    expect(streams.stock!.schedule).toBe('*/5 * * * *');
    for (const s of Object.values(streams)) expect(s.schedule).toEqual(expect.any(String));
  });

  it('maps stock.updated and order.shipped from the event\'s data.object, deduped by the event id', () => {
    expect(config.webhooks).toMatchObject({ event_id: '$.id', event_type: '$.type' });
    expect(Object.keys(config.webhooks.events)).toEqual(['stock.updated', 'order.shipped']);
    expect(config.webhooks.events['stock.updated']).toMatchObject({ entity: 'inventory_level', records: '$.data.object' });
    expect(config.webhooks.events['order.shipped']).toMatchObject({ entity: 'order', records: '$.data.object' });
    expect(config.webhooks.events['order.shipped'].map).toContain('"status": "shipped"');
  });

  it('declares create_order and create_product, each idempotent through a lookup on its key', () => {
    expect(config.actions.create_order.idempotency.key).toBe('external_id');
    expect(config.actions.create_order.idempotency.lookup.query).toEqual({ external_id: '{{external_id}}' });
    expect(config.actions.create_product.idempotency.key).toBe('sku');
    expect(config.actions.create_product.idempotency.lookup).toEqual({ path: '/products', query: { sku: '{{sku}}' }, records: '$.products' });
    expect(CREATE_ORDER_INPUT).toMatchObject({ additionalProperties: false, required: ['customer_email', 'external_id', 'line_items'] });
  });

  it('is plain JSON data, as the plugin loader requires of presets', () => {
    expect(JSON.parse(JSON.stringify(storqDefaultPreset))).toEqual(storqDefaultPreset);
  });
});
