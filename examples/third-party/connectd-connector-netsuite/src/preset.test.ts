import { describe, expect, it } from 'vitest';
import { testPreset } from '@connectd/core/testing';
import plugin from './index.js';
import { sampleNetsuiteData } from './testing/fake-netsuite.js';

// What connectors.yaml sets beside `extends: netsuite/default`.
const CONNECTION = {
  vars: { account_id: '1234567-sb1' },
  auth: { account: '1234567_SB1', consumer_key: 'ck', consumer_secret: 'cs', token_id: 'ti', token_secret: 'ts' },
};
const data = sampleNetsuiteData({ locations: 2, items: 3, orders: 4 });
/** A SuiteQL page around rows, as NetSuite answers it. */
const suiteqlPage = (rows: readonly object[]) => ({ links: [], count: rows.length, hasMore: false, items: rows.map((r) => ({ links: [], ...r })), offset: 0, totalResults: rows.length });

describe('netsuite/default', () => {
  it('maps SuiteQL rows of the four streams onto canonical stores, products, inventory levels and orders', async () => {
    const report = await testPreset(plugin, 'default', {
      connection: CONNECTION,
      samples: [
        {
          name: 'locations, the last one inactive',
          stream: 'locations',
          body: suiteqlPage(data.locations),
          expected: [
            { vendor_location_id: '1', name: 'Store 1', active: true, vendor_id: '1' },
            { vendor_location_id: '2', name: 'Store 2', active: false, vendor_id: '2' },
          ],
        },
        {
          name: 'items: no display name falls back to itemid, no UPC leaves barcode out',
          stream: 'items',
          body: suiteqlPage(data.items),
          expected: [
            { sku: 'SKU-0000', name: 'SKU-0000', barcode: '0400000000000', vendor_variant_id: '100', active: true, vendor_id: '100' },
            { sku: 'SKU-0001', name: 'Item 1', vendor_variant_id: '101', active: true, vendor_id: '101' },
            { sku: 'SKU-0002', name: 'Item 2', barcode: '0400000000002', vendor_variant_id: '102', active: true, vendor_id: '102' },
          ],
        },
        {
          name: 'inventory: quantities as text become numbers, the location id names the store',
          stream: 'inventory',
          body: suiteqlPage(data.balances.slice(0, 2)),
          expected: [
            { store: '1', product: 'SKU-0000', quantity: 0 },
            { store: '2', product: 'SKU-0000', quantity: 3 },
          ],
        },
        {
          name: 'sales orders by document number; one without an email',
          stream: 'sales_orders',
          records: [data.salesOrders[0], data.salesOrders[3]],
          expected: [
            { external_id: 'SO1000', customer_email: 'customer0@example.com', status: 'Sales Order : Pending Fulfillment', vendor_id: '5000' },
            { external_id: 'SO1003', status: 'Sales Order : Billed', vendor_id: '5003' },
          ],
        },
        { name: 'a numeric quantity passes too', stream: 'inventory', record: { item: '7', sku: 'A', location: '3', quantityonhand: 12.5 }, expected: { store: '3', product: 'A', quantity: 12.5 } },
      ],
    });
    expect(report).toEqual({ samples: 5, entities: 10 });
  });

  it('is caught by testPreset when a mapping passes SuiteQL text where the entity wants a number', async () => {
    // The inventory mapping without $number(): SuiteQL sends quantities as text.
    const preset = plugin.presets.default;
    const inventory = { ...preset.config.streams!['inventory']!, map: '{ "store": $string(location), "product": sku, "quantity": quantityonhand }' };
    const broken = { ...plugin, presets: { default: { ...preset, config: { ...preset.config, streams: { ...preset.config.streams, inventory } } } } };
    await expect(
      testPreset(broken, 'default', { connection: CONNECTION, samples: [{ stream: 'inventory', record: data.balances[1], expected: { store: '2', product: 'SKU-0000', quantity: 3 } }] }),
    ).rejects.toThrow(/stream inventory.*CONNECTD_ERR_MAPPING_SCHEMA.*\/quantity must be number/s);
  });
});
