/**
 * The shopify section of the bundled connectors.yaml with the Shopify plugin's presets merged in,
 * as the daemon loads them: what they configure, and how their streams and webhooks turn
 * Shopify's payloads (REST fixtures from Shopify's own libraries, GraphQL nodes as the Admin API
 * answers them) into canonical entities, ids intact.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from '../json/index.js';
import type { EntityRow, MappingBindings } from '../mapping/index.js';
import { loadProject, type Project } from '../project/index.js';

const ROOT = join(import.meta.dirname, '../../../..');
const ENV = {
  SHOPIFY_CLIENT_ID: 'shopify-test-client',
  SHOPIFY_CLIENT_SECRET: 'shpss_test_secret_0123456789',
  SHOPIFY_SHOP_URL: 'http://127.0.0.1:4030/{shop}',
};
/** Read as the daemon reads vendor JSON: ids beyond 2^53 stay exact. */
const fixture = (name: string): any => parseJson(readFileSync(join(ROOT, 'test/fixtures/vendors/shopify', name), 'utf8'));

const ids = {
  store: new Map([['655441491', '655441491'], ['288502987485699190', '288502987485699190']]),
  product: new Map([['39072856', 'IPOD2008GREEN'], ['49148385', 'IPOD2008RED'], ['457924702', 'IPOD2008BLACK'], ['inventory_item:808950810', 'IPOD2008PINK'], ['inventory_item:244829502653478761', 'CANDLE-1']]),
};
const bindings: MappingBindings = {
  connection: { id: 'shopify-acme', tenant: 'acme', config: { shop: 'acme.myshopify.com' } },
  lookups: { store: (id) => ids.store.get(id), product: (id) => ids.product.get(id) },
};

type Plain = Record<string, any>;
const rowsOf = (rows: readonly EntityRow[], entity: string): Plain[] => rows.filter((r) => r.entity === entity).map((r) => ({ key: r.naturalKey, ...r.value }));

let graphql: Project;
let rest: Project;
beforeAll(async () => {
  graphql = await loadProject(join(ROOT, 'connectors.yaml'), ENV);
  // The REST preset, as an app that still uses it would declare it (in a folder of the repository,
  // so the plugins resolve as they do for the bundled file).
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.connectd-shopify-rest-'));
  const bundled = readFileSync(join(ROOT, 'connectors.yaml'), 'utf8').replace('extends: shopify/graphql', 'extends: shopify/rest');
  writeFileSync(join(dir, 'connectors.yaml'), bundled);
  rest = await loadProject(join(dir, 'connectors.yaml'), ENV);
  rmSync(dir, { recursive: true, force: true });
});

async function streamRows(project: Project, stream: string, body: unknown) {
  const compiled = project.streams('shopify').get(stream)!;
  const records = await compiled.records({ request: { method: 'GET', url: 'http://x', headers: {} }, status: 200, headers: {}, body });
  return compiled.mapper.map(records, bindings);
}

async function eventRows(topic: string, body: unknown) {
  const { action } = graphql.webhooks('shopify')!.events.get(topic)!;
  if (action.kind !== 'map') throw new Error(`${topic} does not map`);
  return action.mapper.map(await action.records(body), bindings);
}

describe('the bundled shopify connector', () => {
  it('takes the shop from the start link, checked, and reaches it under SHOPIFY_SHOP_URL', () => {
    const config = graphql.connector('shopify') as Plain;
    expect(config.base_url).toBe('http://127.0.0.1:4030/{shop}/admin/api/{version}');
    expect(config.vars).toEqual({ version: '2025-10' });
    expect(config.auth).toMatchObject({
      authorize_url: 'http://127.0.0.1:4030/{shop}/admin/oauth/authorize',
      token_url: 'http://127.0.0.1:4030/{shop}/admin/oauth/access_token',
      params: { shop: { pattern: '^[a-zA-Z0-9][a-zA-Z0-9-]*\\.myshopify\\.com$', lowercase: true, required: true } },
      account_id: 'param:shop',
      token_params: { expiring: '1' },
      callback_check: { type: 'shopify/callback-hmac', secret: ENV.SHOPIFY_CLIENT_SECRET },
      header: 'X-Shopify-Access-Token',
      prefix: '',
    });
    expect(config.webhooks).toMatchObject({ event_id: 'header:X-Shopify-Webhook-Id', event_type: 'header:X-Shopify-Topic', route: 'header:X-Shopify-Shop-Domain' });
    expect(config.rate_limit).toEqual({ adapter: { type: 'shopify/graphql-cost' } });
  });

  it('maps GraphQL locations, variants, levels and orders, ids as the strings Shopify gives', async () => {
    const locations = await streamRows(graphql, 'locations', {
      data: { locations: { nodes: [{ legacyResourceId: '288502987485699190', name: 'Warehouse (3PL)', isActive: true, isFulfillmentService: true, address: { city: 'Ottawa', countryCode: 'CA' } }] } },
    });
    expect(rowsOf(locations.rows, 'store')).toEqual([
      expect.objectContaining({ key: '288502987485699190', vendor_location_id: '288502987485699190', name: 'Warehouse (3PL)', active: true }),
    ]);
    const variants = await streamRows(graphql, 'variants', {
      data: {
        productVariants: {
          nodes: [
            { legacyResourceId: '3422183765', sku: null, title: 'Default Title', price: '28.95', barcode: '974573309762', updatedAt: '2025-12-15T13:17:50Z', product: { title: 'Glass Candle 1', status: 'ACTIVE' }, inventoryItem: { legacyResourceId: '244829502653478761' } },
          ],
        },
      },
    });
    expect(rowsOf(variants.rows, 'product')).toEqual([
      expect.objectContaining({ key: '3422183765', name: 'Glass Candle 1', price: 28.95, active: true, vendor_variant_id: '3422183765', vendor_inventory_item_id: '244829502653478761' }),
    ]);
    const levels = await streamRows(graphql, 'inventory', {
      data: { location: { inventoryLevels: { nodes: [{ updatedAt: '2025-12-15T13:17:50Z', location: { legacyResourceId: '288502987485699190' }, item: { legacyResourceId: '244829502653478761' }, quantities: [{ quantity: 48 }] }] } } },
    });
    // Joined to the variant through its inventory item, whose id is not the variant's.
    expect(rowsOf(levels.rows, 'inventory_level')).toEqual([expect.objectContaining({ key: '288502987485699190/CANDLE-1', quantity: 48 })]);
    const orders = await streamRows(graphql, 'orders', {
      data: {
        orders: {
          nodes: [
            { legacyResourceId: '2645426660', updatedAt: '2025-12-30T13:32:14Z', processedAt: '2025-12-30T13:32:14Z', cancelledAt: null, displayFulfillmentStatus: 'UNFULFILLED', lineItems: { nodes: [{ id: 'gid://shopify/LineItem/288502987485699999', sku: 'IPOD2008GREEN', quantity: 2, variant: { legacyResourceId: '39072856' }, originalUnitPriceSet: { shopMoney: { amount: '57.99', currencyCode: 'USD' } } }] } },
            { legacyResourceId: '2645426661', updatedAt: '2025-12-30T13:40:00Z', processedAt: '2025-12-30T13:40:00Z', cancelledAt: '2025-12-30T14:00:00Z', displayFulfillmentStatus: 'UNFULFILLED', lineItems: { nodes: [{ id: 'gid://shopify/LineItem/1', sku: 'X', quantity: 1, variant: null, originalUnitPriceSet: { shopMoney: { amount: '1.00', currencyCode: 'USD' } } }] } },
          ],
        },
      },
    });
    expect(orders.failures).toEqual([]);
    expect(rowsOf(orders.rows, 'order').map((o) => [o.key, o.status])).toEqual([['2645426660', 'unfulfilled'], ['2645426661', 'cancelled']]);
    // A cancelled order sold nothing; the line id beyond 2^53 is exact.
    expect(rowsOf(orders.rows, 'transaction')).toEqual([
      expect.objectContaining({ key: '2645426660:288502987485699999', product: 'IPOD2008GREEN', quantity: 2, unit_price: 57.99, currency: 'USD' }),
    ]);
  });

  it('maps the REST webhooks onto the same rows, including an untracked level with null available', async () => {
    const [product] = fixture('products_list.json').products;
    const update = await eventRows('products/update', product);
    expect(update.failures).toEqual([]);
    expect(rowsOf(update.rows, 'product')[0]).toMatchObject({ key: 'IPOD2008PINK', name: 'IPod Nano - 8GB - Pink', price: 199, active: true, vendor_variant_id: '808950810', vendor_inventory_item_id: '808950810' });
    const level = await eventRows('inventory_levels/update', { inventory_item_id: 808950810, location_id: 655441491, available: 7, updated_at: '2025-04-02T11:29:59-05:00' });
    expect(rowsOf(level.rows, 'inventory_level')).toEqual([expect.objectContaining({ key: '655441491/IPOD2008PINK', quantity: 7 })]);
    const untracked = await eventRows('inventory_levels/update', { inventory_item_id: 808950810, location_id: 655441491, available: null, updated_at: '2025-04-02T11:29:59-05:00' });
    expect(untracked).toEqual({ rows: [], failures: [] });
    const [order] = fixture('orders_status_any.json').orders;
    const created = await eventRows('orders/create', order);
    expect(created.failures).toEqual([]);
    expect(rowsOf(created.rows, 'order')[0]).toMatchObject({ key: '450789469', status: 'unfulfilled' });
    expect(rowsOf(created.rows, 'order')[0]).not.toHaveProperty('customer_email');
    expect(rowsOf(created.rows, 'transaction')[0]).toMatchObject({ key: '450789469:466157049', product: 'IPOD2008GREEN', quantity: 1, unit_price: 199 });
  });

  it('turns the lifecycle and compliance topics into their effects', () => {
    const events = graphql.webhooks('shopify')!.events;
    expect(events.get('app/uninstalled')!.action).toEqual({ kind: 'mark_connection', status: 'disabled' });
    expect(events.get('shop/redact')!.action).toEqual({ kind: 'erase_connection_data' });
    expect(events.get('customers/data_request')!.action.kind).toBe('record');
    expect(events.get('customers/redact')!.action.kind).toBe('record');
  });

  it('offers the REST preset for apps that still use REST, paced by the call limit', async () => {
    expect((rest.connector('shopify') as Plain).rate_limit).toEqual({ rate: '2/s', burst: 40, adapter: { type: 'shopify/call-limit' } });
    const locations = await streamRows(rest, 'locations', fixture('locations_list.json'));
    expect(locations.failures).toEqual([]);
    expect(rowsOf(locations.rows, 'store')[0]).toMatchObject({ key: '655441491', name: '50 Rideau Street', active: true, address: { city: 'Ottawa', country: 'CA', province: 'ON' } });
    const products = await streamRows(rest, 'products', fixture('products_list.json'));
    expect(products.failures).toEqual([]);
    expect(rowsOf(products.rows, 'product').map((p) => p.key)).toEqual(['IPOD2008PINK', 'IPOD2008RED', 'IPOD2008GREEN', 'IPOD2008BLACK', 'IPOD2009BLACK']);
    const levels = await streamRows(rest, 'inventory', fixture('inventory_levels_by_location.json'));
    // Only the item whose product is known resolves; the others wait as dead letters for their products.
    expect(rowsOf(levels.rows, 'inventory_level').map((l) => l.key)).toEqual(['655441491/IPOD2008PINK']);
    expect(levels.failures.map((f) => f.code)).toEqual(Array(3).fill('CONNECTD_ERR_MAPPING_LOOKUP_MISSING'));
  });
});
