/**
 * The square section of the bundled connectors.yaml with the Square plugin's preset merged in, as
 * the daemon loads it: what it configures, and how its streams and webhook events turn Square's
 * own payloads (test/fixtures/vendors/square, from Square's OpenAPI spec) into canonical entities.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MappingBindings, EntityRow } from '../mapping/index.js';
import { loadProject, type Project } from '../project/index.js';

const ROOT = join(import.meta.dirname, '../../../..');
const ENV = {
  SQUARE_APPLICATION_ID: 'sq0idp-test-application',
  SQUARE_APPLICATION_SECRET: 'sq0csp-test-secret-0123456789',
  SQUARE_WEBHOOK_SIGNATURE_KEY: 'square-signature-key-0123',
  SQUARE_WEBHOOK_URL: 'https://connectd.example.com/webhooks/square',
  SQUARE_BASE_URL: 'http://127.0.0.1:4020',
};
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/vendors/square', name), 'utf8'));

/** The vendor-id map as the locations and catalog streams fill it. */
const ids = { store: new Map([['18YC4JDH91E1H', '18YC4JDH91E1H'], ['D7AVYMEAPJ3A3', 'D7AVYMEAPJ3A3'], ['S8GWD5R9QB376', 'S8GWD5R9QB376'], ['59TNP9SA8VGDA', '59TNP9SA8VGDA']]), product: new Map([['W62UWFY35CWMYGVWK6TWJDNI', 'TEA-LARGE']]) };
const bindings: MappingBindings = {
  connection: { id: 'square-acme', tenant: 'acme', config: {} },
  lookups: { store: (id) => ids.store.get(id), product: (id) => ids.product.get(id) },
};

let project: Project;
beforeAll(async () => {
  project = await loadProject(join(ROOT, 'connectors.yaml'), ENV);
});

type Plain = Record<string, any>;
const square = (): Plain => project.connector('square') as Plain;
const rowsOf = (rows: readonly EntityRow[], entity: string): Plain[] => rows.filter((r) => r.entity === entity).map((r) => ({ key: r.naturalKey, ...r.value }));

async function streamPage(stream: string, body: unknown) {
  const compiled = project.streams('square').get(stream)!;
  const records = await compiled.records({ request: { method: 'GET', url: 'http://x', headers: {} }, status: 200, headers: {}, body });
  return compiled.mapper.map(records, bindings);
}

async function eventRows(type: string, body: unknown) {
  const { action } = project.webhooks('square')!.events.get(type)!;
  if (action.kind !== 'map') throw new Error(`${type} does not map`);
  return action.mapper.map(await action.records(body), bindings);
}

describe('the bundled square connector', () => {
  it('is active with its five variables, every endpoint under SQUARE_BASE_URL, and the preset carrying Square\'s OAuth quirks', () => {
    expect(project.isActive('square')).toBe(true);
    const config = square();
    expect(config.base_url).toBe(ENV.SQUARE_BASE_URL);
    expect(config.headers).toEqual({ 'Square-Version': '{square_version}' });
    expect(config.vars).toEqual({ square_version: '2025-08-20' });
    expect(config.auth).toMatchObject({
      type: 'oauth2',
      authorize_url: `${ENV.SQUARE_BASE_URL}/oauth2/authorize`,
      token_url: `${ENV.SQUARE_BASE_URL}/oauth2/token`,
      client_id: ENV.SQUARE_APPLICATION_ID,
      scope_separator: ' ',
      token_request_format: 'json',
      refresh_margin_seconds: 23 * 86_400,
      account_id: '$.merchant_id',
      revoke: { url: `${ENV.SQUARE_BASE_URL}/oauth2/revoke`, headers: { Authorization: 'Client {client_secret}' } },
    });
    expect(config.webhooks.verify).toMatchObject({ type: 'hmac', header: 'x-square-hmacsha256-signature', encoding: 'base64', signed_payload: 'url_body', url: ENV.SQUARE_WEBHOOK_URL });
    expect(config.webhooks).toMatchObject({ event_id: '$.event_id', event_type: '$.type', route: '$.merchant_id' });
    expect(config.retry.retry_on_status).toEqual([408, 429, 500, 502, 503, 504]);
    expect(config.rate_limit).toEqual({ rate: '5/s', burst: 10 });
  });

  it('orders its streams: inventory and orders after locations and catalog; payments on demand only', () => {
    const streams = square().streams as Record<string, Plain>;
    expect(Object.keys(streams)).toEqual(['locations', 'catalog', 'inventory', 'orders', 'payments']);
    expect(streams.inventory!.after).toEqual(['locations', 'catalog']);
    expect(streams.orders!.after).toEqual(['locations', 'catalog']);
    expect(streams.orders!.partition).toEqual({ by: 'store', size: 10 });
    expect(streams.payments!.schedule).toBeUndefined();
  });

  it('maps locations to stores keyed by location id', async () => {
    const { rows, failures } = await streamPage('locations', fixture('list_locations_response.json'));
    expect(failures).toEqual([]);
    expect(rowsOf(rows, 'store')[0]).toEqual({
      key: '18YC4JDH91E1H', vendor_location_id: '18YC4JDH91E1H', vendor_id: '18YC4JDH91E1H', name: 'Grant Park', currency: 'USD',
      timezone: 'America/Los_Angeles', active: true,
      address: { address_line_1: '123 Main St', administrative_district_level_1: 'CA', country: 'US', locality: 'San Francisco', postal_code: '94114' },
    });
  });

  it('maps each variation of each item to a product, priced in major units, and deleted ones inactive', async () => {
    const body = fixture('search_catalog_objects_response_items_variations.json') as { objects: Plain[] };
    const { rows, failures } = await streamPage('catalog', body);
    expect(failures).toEqual([]);
    const products = rowsOf(rows, 'product');
    expect(products[0]).toMatchObject({ key: '5GSZPX6EU7MM75S57OONG3V5', name: 'Tea - Black - Regular', price: 1.5, currency: 'USD', active: true, vendor_variant_id: '5GSZPX6EU7MM75S57OONG3V5' });
    expect(products[1]).toMatchObject({ name: 'Tea - Black - Large', price: 2.25 });
    // A live variation listed on its own is its item's business; a deleted one turns inactive.
    const item = body.objects[0]!;
    const variation = item.item_data.variations[0];
    const alone = await streamPage('catalog', { objects: [variation, { ...variation, id: 'GONE', is_deleted: true }, { ...item, is_deleted: true }] });
    expect(rowsOf(alone.rows, 'product').map((p) => [p.key, p.active])).toEqual([
      ['GONE', false],
      ['5GSZPX6EU7MM75S57OONG3V5', false],
      ['XVLBN7DU6JTWHJTG5F265B43', false],
    ]);
  });

  it('maps IN_STOCK counts through $store and $product, from the stream and from the webhook', async () => {
    const { rows, failures } = await streamPage('inventory', fixture('batch_retrieve_inventory_counts_response.json'));
    expect(failures).toEqual([]);
    expect(rowsOf(rows, 'inventory_level')).toEqual([
      { key: '59TNP9SA8VGDA/TEA-LARGE', store: '59TNP9SA8VGDA', product: 'TEA-LARGE', quantity: 79, as_of: '2016-11-16T22:28:01.223Z', vendor_updated_at: '2016-11-16T22:28:01.223Z' },
    ]);
    // The event names a location and a variation nobody synced yet: dead-lettered, to be written once they are.
    const event = await eventRows('inventory.count.updated', fixture('event_inventory_count_updated.json'));
    expect(event.rows).toEqual([]);
    expect(event.failures.map((f) => f.code)).toEqual(['CONNECTD_ERR_MAPPING_LOOKUP_MISSING']);
  });

  it('maps an order to an order, each line of a completed order to a transaction, and a returned line to a negative one', async () => {
    const { order: open } = fixture('retrieve_order_response.json') as { order: Plain };
    // An open order is an order, not yet a sale: no transactions until it completes.
    const pending = await eventRows('order.updated', { order: open });
    expect(pending.failures).toEqual([]);
    expect(rowsOf(pending.rows, 'order')[0]).toMatchObject({ key: open.id, external_id: open.id, status: 'OPEN', vendor_updated_at: open.updated_at });
    expect(rowsOf(pending.rows, 'order')[0]!.lines).toHaveLength(open.line_items.length);
    expect(rowsOf(pending.rows, 'transaction')).toEqual([]);
    const order: Plain = { ...open, state: 'COMPLETED' };
    const { rows, failures } = await eventRows('order.updated', { order });
    expect(failures).toEqual([]);
    const lines = rowsOf(rows, 'transaction');
    expect(lines.map((l) => l.key)).toEqual(order.line_items.map((l: Plain) => `${order.id}:${l.uid}`));
    expect(lines[0]).toMatchObject({ store: 'D7AVYMEAPJ3A3', quantity: 1, unit_price: 5, currency: 'USD', occurred_at: order.created_at });

    const returned = { ...order, line_items: [], returns: [{ return_line_items: [{ uid: 'r1', quantity: '2', base_price_money: { amount: 500, currency: 'USD' } }] }] };
    const refund = await eventRows('order.updated', { order: returned });
    expect(rowsOf(refund.rows, 'transaction')).toEqual([expect.objectContaining({ key: `${order.id}:return:r1`, quantity: -2, unit_price: 5 })]);
  });

  it('maps a payment event to a payment: transaction, net of what was refunded', async () => {
    const body = fixture('event_payment_created.json') as Plain;
    const { rows, failures } = await eventRows('payment.created', body);
    expect(failures).toEqual([]);
    const payment = body.data.object.payment;
    expect(rowsOf(rows, 'transaction')).toEqual([
      { key: `payment:${payment.id}`, vendor_transaction_id: `payment:${payment.id}`, store: 'S8GWD5R9QB376', quantity: 1, unit_price: 1, currency: 'USD', occurred_at: payment.created_at, vendor_id: payment.id, vendor_updated_at: payment.updated_at },
    ]);
    const refunded = await eventRows('payment.updated', { data: { object: { payment: { ...payment, refunded_money: { amount: 100, currency: 'USD' } } } } });
    expect(rowsOf(refunded.rows, 'transaction')[0]).toMatchObject({ unit_price: 0 });
  });

  it('fetches the order an order event summarises, runs the catalog on a catalog change, and marks the connection on a revocation', () => {
    const events = project.webhooks('square')!.events;
    const created = events.get('order.created')!.action;
    expect(created.kind === 'map' && created.fetch !== undefined).toBe(true);
    expect(events.get('catalog.version.updated')!.action).toEqual({ kind: 'run_stream', stream: 'catalog' });
    expect(events.get('oauth.authorization.revoked')!.action).toEqual({ kind: 'mark_connection', status: 'needs_reauth' });
  });
});
