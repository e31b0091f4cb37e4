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
