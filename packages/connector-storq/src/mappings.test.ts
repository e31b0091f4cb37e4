/**
 * How storq/default's mappings turn storq's objects (samples shaped as the storq contract in
 * README.md describes them) into canonical entities, checked with core's tester: the preset is
 * validated and compiled as a connectors.yaml naming it would be, and every sample goes through
 * the stream's or event's records path, its JSONata and the entity's schema.
 */
import { testPreset, type PresetSample } from '@connectd/core/testing';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

/** What connectors.yaml sets beside `extends: storq/default`: the values of one environment. */
const connection = { base_url: 'http://127.0.0.1:4010/api/v1', auth: { token: 'fsk_test_abcdefgh1234' }, webhooks: { verify: { secret: 'storq-hook-secret' } } };

const ORDER = {
  id: 'ord_7Hk2pQ9x',
  external_id: 'shop-1001',
  customer_email: 'ana@example.com',
  line_items: [{ sku: 'MUG-BLUE', quantity: 2 }],
  status: 'pending',
  tracking_number: null,
  shipped_at: null,
  created_at: '2025-06-01T09:00:00Z',
  updated_at: '2025-06-01T09:00:00Z',
};
const ORDER_ENTITY = {
  external_id: 'shop-1001', customer_email: 'ana@example.com', lines: [{ sku: 'MUG-BLUE', quantity: 2 }], status: 'pending',
  tracking_number: null, shipped_at: null, vendor_id: 'ord_7Hk2pQ9x', vendor_updated_at: '2025-06-01T09:00:00Z',
};
const PRODUCT = { id: 'prod_Q2w9', sku: 'MUG-BLUE', name: 'Blue mug', created_at: '2025-05-01T08:00:00Z', updated_at: '2025-05-02T08:00:00Z' };

const check = (samples: PresetSample[]) => testPreset(plugin, 'default', { connection, samples });

describe('storq/default mappings', () => {
  it('maps a /stock page to inventory levels in the default store, keyed by sku', async () => {
    const body = { stock: [{ sku: 'MUG-BLUE', quantity: 12, updated_at: '2025-06-01T10:00:00Z' }, { sku: 'MUG-RED', quantity: 0, updated_at: '2025-06-01T10:05:00Z' }], next_cursor: 'c_2' };
    expect(
      await check([
        {
          stream: 'stock',
          body,
          expected: [
            { store: 'default', product: 'MUG-BLUE', quantity: 12, as_of: '2025-06-01T10:00:00Z', vendor_updated_at: '2025-06-01T10:00:00Z' },
            { store: 'default', product: 'MUG-RED', quantity: 0, as_of: '2025-06-01T10:05:00Z', vendor_updated_at: '2025-06-01T10:05:00Z' },
          ],
        },
      ]),
    ).toEqual({ samples: 1, entities: 2 });
  });

  it("maps a /products page to products keyed by sku, with storq's id as vendor id", async () => {
    await check([
      {
        stream: 'products',
        body: { products: [PRODUCT], next_cursor: null },
        expected: { sku: 'MUG-BLUE', name: 'Blue mug', vendor_variant_id: 'prod_Q2w9', vendor_id: 'prod_Q2w9', vendor_updated_at: '2025-05-02T08:00:00Z' },
      },
    ]);
  });

  it('maps an /orders page (a bare array) to orders keyed by external_id, lines from line_items', async () => {
    const shipped = { ...ORDER, id: 'ord_8', external_id: 'shop-1002', line_items: [{ sku: 'MUG-RED', quantity: 1 }, { sku: 'MUG-BLUE', quantity: 3 }], status: 'shipped', tracking_number: '1Z999', shipped_at: '2025-06-02T12:00:00Z' };
    await check([
      {
        stream: 'orders',
        body: [ORDER, shipped],
        expected: [
          ORDER_ENTITY,
          {
            ...ORDER_ENTITY, external_id: 'shop-1002', lines: [{ sku: 'MUG-RED', quantity: 1 }, { sku: 'MUG-BLUE', quantity: 3 }],
            status: 'shipped', tracking_number: '1Z999', shipped_at: '2025-06-02T12:00:00Z', vendor_id: 'ord_8',
          },
        ],
      },
    ]);
  });

  it('maps stock.updated to an inventory level and order.shipped to a shipped order with tracking', async () => {
    const object = { ...ORDER, status: 'shipped', tracking_number: '1Z999AA1', shipped_at: '2025-06-02T12:00:00Z', updated_at: '2025-06-02T12:00:00Z' };
    expect(
      await check([
        {
          webhook: 'stock.updated',
          body: { id: 'evt_1', type: 'stock.updated', created_at: '2025-06-01T10:10:00Z', data: { object: { sku: 'MUG-BLUE', quantity: 7, updated_at: '2025-06-01T10:10:00Z' } } },
          expected: { store: 'default', product: 'MUG-BLUE', quantity: 7, as_of: '2025-06-01T10:10:00Z', vendor_updated_at: '2025-06-01T10:10:00Z' },
        },
        {
          webhook: 'order.shipped',
          body: { id: 'evt_2', type: 'order.shipped', created_at: '2025-06-02T12:00:01Z', data: { object } },
          expected: { ...ORDER_ENTITY, status: 'shipped', tracking_number: '1Z999AA1', shipped_at: '2025-06-02T12:00:00Z', vendor_updated_at: '2025-06-02T12:00:00Z' },
        },
        {
          // The guide promises only external_id, tracking_number and shipped_at: that is enough, and the status is implied.
          name: 'a minimal order.shipped',
          webhook: 'order.shipped',
          body: { id: 'evt_3', type: 'order.shipped', data: { object: { external_id: 'shop-1003', tracking_number: 'T-3', shipped_at: '2025-06-03T08:00:00Z' } } },
          expected: { external_id: 'shop-1003', status: 'shipped', tracking_number: 'T-3', shipped_at: '2025-06-03T08:00:00Z' },
        },
      ]),
    ).toEqual({ samples: 3, entities: 3 });
  });

  it("turns storq's answers to create_order and create_product into the actions' results", async () => {
    await check([
      { action: 'create_order', record: ORDER, expected: { id: 'ord_7Hk2pQ9x', external_id: 'shop-1001', status: 'pending', created_at: '2025-06-01T09:00:00Z' } },
      { action: 'create_product', record: PRODUCT, expected: { id: 'prod_Q2w9', sku: 'MUG-BLUE', name: 'Blue mug', created_at: '2025-05-01T08:00:00Z' } },
    ]);
  });
});
