/**
 * Realistic mappings: the `map:` and `records:` expressions of the bundled connectors.yaml and the
 * examples, run over the vendor payloads in test/fixtures/vendors, must yield valid canonical entities.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createEntityCatalog, type EntityCatalog } from './catalog.js';
import { compileMapping, type MappingBindings } from './compile-mapping.js';
import type { CustomEntityConfig } from './custom-entity.js';
import { mapRecords, type MappedPage } from './map-records.js';
import { compileRecordsPath } from './records-path.js';

const repo = join(import.meta.dirname, '../../../..');
const fixtures = join(repo, 'test/fixtures/vendors');
const fixture = (path: string): unknown => JSON.parse(readFileSync(join(fixtures, path), 'utf8'));

interface Flow { readonly entity: string; readonly map?: string; readonly records?: string }
interface ConfigFile {
  readonly entities?: Record<string, CustomEntityConfig>;
  readonly connectors: Record<string, { streams?: Record<string, Flow>; webhooks?: { events: Record<string, Flow> }; actions?: Record<string, { map?: string }> }>;
}
const configFile = (path: string): ConfigFile => parse(readFileSync(join(repo, path), 'utf8'), { merge: true }) as ConfigFile;
const bundled = configFile('connectors.yaml');

function stream(connector: string, name: string): Flow {
  const found = bundled.connectors[connector]?.streams?.[name];
  if (found === undefined) throw new Error(`no stream ${connector}.${name} in connectors.yaml`);
  return found;
}
function event(connector: string, name: string): Flow {
  const found = bundled.connectors[connector]?.webhooks?.events[name];
  if (found === undefined) throw new Error(`no event ${connector}.${name} in connectors.yaml`);
  return found;
}

const catalog = createEntityCatalog();
/** The vendor-id map as a sync of stores and products would have filled it. */
const idMap = { store: new Map<string, string>(), product: new Map<string, string>() };
const bindings: MappingBindings = {
  connection: { id: 'conn-1', tenant: 'acme', config: {} },
  lookups: { store: (id) => idMap.store.get(id), product: (id) => idMap.product.get(id) },
};

async function run(flow: Flow, body: unknown, entities: EntityCatalog = catalog): Promise<MappedPage> {
  const records = await compileRecordsPath(flow.records)(body);
  return mapRecords(records, compileMapping(flow.map), flow.entity, entities, bindings);
}

function remember(page: MappedPage): void {
  for (const { entity, value, naturalKey } of page.entities) {
    if (entity.idMap === undefined) continue;
    for (const vendorId of entity.idMap.vendorIds(value)) idMap[entity.idMap.kind].set(vendorId, naturalKey);
  }
}

describe('every bundled and example mapping', () => {
  it('compiles', () => {
    for (const path of ['connectors.yaml', 'examples/minimal/connectors.yaml', 'examples/full/connectors.yaml']) {
      for (const [name, connector] of Object.entries(configFile(path).connectors)) {
        const flows = [...Object.values(connector.streams ?? {}), ...Object.values(connector.webhooks?.events ?? {}), ...Object.values(connector.actions ?? {})];
        for (const flow of flows) {
          expect(() => compileMapping(flow.map, { label: `${path}: ${name}` }), `${path}: ${name}`).not.toThrow();
          if ('records' in flow) expect(() => compileRecordsPath(flow.records)).not.toThrow();
        }
      }
    }
  });
});

describe('shopify fixtures through connectors.yaml', () => {
  it('maps locations to stores keyed by location id', async () => {
    const page = await run(stream('shopify', 'locations'), fixture('shopify/locations_list.json'));
    expect(page.failures).toEqual([]);
    const ottawa = page.entities.find((e) => e.naturalKey === '655441491');
    expect(ottawa?.value).toMatchObject({ name: '50 Rideau Street', active: true, address: { city: 'Ottawa', country: 'CA' }, vendor_updated_at: '2025-04-02T11:09:43-05:00' });
    remember(page);
  });

  it('maps each variant of each product to a product keyed by SKU', async () => {
    const page = await run(stream('shopify', 'products'), fixture('shopify/products_list.json'));
    expect(page.failures).toEqual([]);
    expect(page.entities.map((e) => e.naturalKey)).toEqual(['IPOD2008PINK', 'IPOD2008RED', 'IPOD2008GREEN', 'IPOD2008BLACK', 'IPOD2009BLACK']);
    expect(page.entities[0]?.value).toEqual({
      sku: 'IPOD2008PINK', name: 'IPod Nano - 8GB - Pink', price: 199, barcode: '1234_pink',
      vendor_variant_id: '808950810', vendor_id: '808950810', vendor_updated_at: '2025-04-02T11:29:59-05:00',
    });
    remember(page);
    expect((await run(stream('shopify', 'products'), fixture('shopify/products_since_id.json'))).failures).toEqual([]);
  });

  it('maps an order with its lines as a list', async () => {
    const order = compileMapping(
      '{ "external_id": $string(id), "customer_email": email, "status": $exists(fulfillment_status) ? fulfillment_status : financial_status, ' +
        '"lines": [line_items.{ "sku": sku, "quantity": quantity }], "tracking_number": fulfillments[0].tracking_number, "vendor_updated_at": updated_at }',
    );
    const page = await mapRecords(await compileRecordsPath('$.orders')(fixture('shopify/orders_status_any.json')), order, 'order', catalog, bindings);
    expect(page.failures).toEqual([]);
    expect(page.entities[0]?.value).toMatchObject({
      external_id: '450789469', customer_email: 'bob.norman@mail.example.com', tracking_number: '1Z1234512345123456',
      lines: [{ sku: 'IPOD2008GREEN', quantity: 1 }, { sku: 'IPOD2008RED', quantity: 1 }, { sku: 'IPOD2008BLACK', quantity: 1 }],
    });
  });
});

describe('square fixtures through connectors.yaml', () => {
  it('maps locations to stores with address, currency, timezone and active', async () => {
    const page = await run(stream('square', 'locations'), fixture('square/list_locations_response.json'));
    expect(page.failures).toEqual([]);
    expect(page.entities[0]?.naturalKey).toBe('18YC4JDH91E1H');
    expect(page.entities[0]?.value).toEqual({
      vendor_location_id: '18YC4JDH91E1H', name: 'Grant Park', currency: 'USD', timezone: 'America/Los_Angeles', active: true,
      address: { address_line_1: '123 Main St', administrative_district_level_1: 'CA', country: 'US', locality: 'San Francisco', postal_code: '94114' },
    });
    remember(page);
  });

  it('maps catalog items to one product per variation, priced in major units', async () => {
    const page = await run(stream('square', 'catalog'), fixture('square/search_catalog_objects_response_items_variations.json'));
    expect(page.failures).toEqual([]);
    expect(page.entities[0]?.value).toMatchObject({ sku: '5GSZPX6EU7MM75S57OONG3V5', name: 'Tea - Black - Regular', price: 1.5, currency: 'USD' });
    remember(page);
  });

  it('maps inventory counts through $store and $product, and dead-letters unknown ids', async () => {
    idMap.store.set('59TNP9SA8VGDA', 'store-59');
    idMap.product.set('W62UWFY35CWMYGVWK6TWJDNI', 'SKU-W62');
    const page = await run(stream('square', 'inventory_counts'), fixture('square/batch_retrieve_inventory_counts_response.json'));
    expect(page.failures).toEqual([]);
    expect(page.entities[0]?.naturalKey).toBe('store-59/SKU-W62');
    expect(page.entities[0]?.value).toEqual({
      store: 'store-59', product: 'SKU-W62', quantity: 79, as_of: '2016-11-16T22:28:01.223Z', vendor_updated_at: '2016-11-16T22:28:01.223Z',
    });

    const webhook = await run(event('square', 'inventory.count.updated'), fixture('square/event_inventory_count_updated.json'));
    expect(webhook.entities).toEqual([]);
    expect(webhook.failures.map((f) => f.code)).toEqual(['CONNECTD_ERR_MAPPING_LOOKUP_MISSING']);
    expect(webhook.failures[0]?.reason).toContain('YYQR03DGCTXA4');
  });

  it('maps order line items to transactions', async () => {
    const sale = compileMapping(
      '( $order := $; line_items.{ "vendor_transaction_id": $order.id & ":" & uid, "product": $exists(catalog_object_id) ? $product(catalog_object_id) : name, ' +
        '"quantity": $number(quantity), "unit_price": base_price_money.amount / 100, "currency": base_price_money.currency, "occurred_at": $order.created_at } )',
    );
    const page = await mapRecords([(fixture('square/retrieve_order_response.json') as { order: unknown }).order], sale, 'transaction', catalog, bindings);
    expect(page.failures).toEqual([]);
    expect(page.entities.map((e) => [e.naturalKey, e.value['quantity'], e.value['unit_price']])).toEqual([
      ['CAISENgvlJ6jLWAzERDzjyHVybY:ULkg0tQTRK2bkU9fNv3IJD', 1, 5],
      ['CAISENgvlJ6jLWAzERDzjyHVybY:mumY8Nun4BC5aKe2yyx5a', 2, 3],
    ]);
  });
});

// storq's mappings come from its plugin's preset: config/bundled-storq.test.ts runs them.

describe('examples/full custom entity', () => {
  it('maps members onto the loyalty_member entity declared in the file', async () => {
    const full = configFile('examples/full/connectors.yaml');
    const entities = createEntityCatalog(full.entities);
    const members = full.connectors['warehouse']?.streams?.['members'];
    if (members === undefined) throw new Error('members stream missing');
    const page = await run(members, { members: [{ id: 'm1', email: 'a@example.com', points: 10 }, { id: 'm2', points: -5 }] }, entities);
    expect(page.entities.map((e) => [e.entity.table, e.naturalKey])).toEqual([['loyalty_members', 'm1']]);
    expect(page.failures.map((f) => f.code)).toEqual(['CONNECTD_ERR_MAPPING_SCHEMA']);
  });
});
