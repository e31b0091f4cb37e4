// What a webhook event can do besides mapping its own body, on real stores: fetch the full object
// it only summarises (through the connection's HTTP runtime, against a loopback vendor), write
// several entities from one record, queue a stream run, and mark its connection.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionRuntimeSet, createConnectionDirectory, createConnectionRuntime, createEventFetcher } from '../connections/index.js';
import { createJobRepository, upsertDeclaredConnection, type Store } from '../store/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import type { Project } from '../project/index.js';
import { deadLetters, deliver, inboxRow, loadTestProject, silentLog } from '../testing/webhook-processing.js';
import { InboxProcessor, type EventEffect } from '../webhooks/index.js';
import { createConnectionStore } from './connection-store.js';
import { createEntityWriter } from './entity-writer.js';
import { createWebhookEventStore } from './webhook-event-store.js';

const TOKEN = 'shop-token-0123456789';
const ORDERS: Record<string, unknown> = {
  O1: {
    id: 'O1',
    state: 'COMPLETED',
    location_id: 'L1',
    updated_at: '2025-05-01T10:00:00Z',
    line_items: [
      { uid: 'a', sku: 'MUG', quantity: '2', price: 1250 },
      { uid: 'b', sku: 'CAP', quantity: '1', price: 900 },
    ],
  },
};

/** The vendor: GET /orders/{id} with the bearer token; 404 for unknown orders, 503 for "busy". */
function vendor(): { server: Server; requests: Array<{ url: string; authorization: string | undefined }> } {
  const requests: Array<{ url: string; authorization: string | undefined }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const id = decodeURIComponent((req.url ?? '').replace(/^\/orders\//, ''));
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    if (id === 'busy') return void res.writeHead(503).end('{"errors":[{"code":"SERVICE_UNAVAILABLE"}]}');
    const order = ORDERS[id];
    if (order === undefined) return void res.writeHead(404).end('{"errors":[{"code":"NOT_FOUND"}]}');
    res.writeHead(200).end(JSON.stringify({ order }));
  });
  return { server, requests };
}

const yaml = (port: number) => `version: 1
connectors:
  shop:
    base_url: http://127.0.0.1:${port}
    auth: { type: bearer, token: ${TOKEN} }
    retry: { max_attempts: 2, base_delay_ms: 1 }
    connections:
      - { id: shop-acme, tenant: acme, config: { account_id: M1 } }
      - { id: shop-globex, tenant: globex, config: { account_id: M2 } }
    streams:
      catalog:
        request: { path: /catalog }
        entity: product
    webhooks:
      verify: { type: hmac, header: X-Sig, secret: whsec-shop-0123456789 }
      event_id: $.event_id
      event_type: $.type
      route: $.merchant_id
      events:
        order.updated:
          fetch:
            request: { path: "/orders/{order_id}" }
            params: { order_id: $.data.id }
          records: $.order
          outputs:
            - entity: order
              map: '{ "external_id": id, "status": state, "lines": [line_items.{ "sku": sku, "quantity": $number(quantity) }], "vendor_updated_at": updated_at }'
            - entity: transaction
              records: line_items
              map: '{ "vendor_transaction_id": $parent.id & ":" & uid, "product": sku, "quantity": $number(quantity), "unit_price": price / 100, "occurred_at": $parent.updated_at }'
        catalog.version.updated: { run_stream: catalog }
        oauth.authorization.revoked: { mark_connection: needs_reauth }
        app.uninstalled: { mark_connection: disabled }
        shop.redact: { erase_connection_data: true }
        customers.data_request: { record: the app answers data requests }
`;

const event = (eventId: string, type: string, data: Record<string, unknown> = {}, merchant = 'M1') => ({ event_id: eventId, type, merchant_id: merchant, data });

const dbs = createTestDatabases();
const { server, requests } = vendor();
let project: Project;
let runtimes: ConnectionRuntimeSet;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project = await loadTestProject(yaml((server.address() as AddressInfo).port));
  runtimes = new ConnectionRuntimeSet();
  for (const { connection } of project.activeDeclaredConnections()) {
    await runtimes.put(createConnectionRuntime(project, 'shop', connection, { log: silentLog, signal: new AbortController().signal }));
  }
});
afterAll(async () => {
  await runtimes.close();
  await new Promise((resolve) => server.close(resolve));
  await dbs.dispose();
});

describe.each(storeBackends())('webhook event effects on %s', (backend) => {
  let store: Store;
  const effects: Array<[string, EventEffect]> = [];
  const processor = async (): Promise<InboxProcessor> => {
    store = await dbs.fresh(backend, { migrate: true });
    await upsertDeclaredConnection(store.db, { id: 'shop-acme', connector: 'shop', tenantId: 'acme' });
    await upsertDeclaredConnection(store.db, { id: 'shop-globex', connector: 'shop', tenantId: 'globex' });
    effects.length = 0;
    return new InboxProcessor({
      store: createWebhookEventStore(store.db, createEntityWriter(project.catalog)),
      directory: createConnectionDirectory(project, createConnectionStore(store.db)),
      connectors: project.activeWebhooks(),
      catalog: project.catalog,
      fetcher: createEventFetcher(runtimes),
      onEffect: (connection, effect) => effects.push([connection, effect]),
      log: silentLog,
      random: () => 0,
    });
  };

  it('fetches the full order an event summarises, with the connection auth, and writes the order and its lines together', async () => {
    const inbox = await processor();
    requests.length = 0;
    const [id] = await deliver(store, 'shop', [event('e1', 'order.updated', { id: 'O1' })]);
    expect(await inbox.drain()).toMatchObject({ processed: 1, dead: 0, retried: 0 });
    expect(requests).toEqual([{ url: '/orders/O1', authorization: `Bearer ${TOKEN}` }]);
    const { rows: orders } = await store.db.query<{ natural_key: string; status: string }>(`select natural_key, status from connectd.orders`);
    expect(orders).toEqual([{ natural_key: 'O1', status: 'COMPLETED' }]);
    const { rows: lines } = await store.db.query<{ natural_key: string; quantity: string; unit_price: string }>(
      `select natural_key, quantity::text, unit_price::text from connectd.transactions order by natural_key`,
    );
    expect(lines).toEqual([
      { natural_key: 'O1:a', quantity: '2', unit_price: '12.5' },
      { natural_key: 'O1:b', quantity: '1', unit_price: '9' },
    ]);
    expect(await inboxRow(store, id!)).toMatchObject({ status: 'processed' });
  });

  it('dead-letters an event whose object the vendor says is gone, and one that names no object, writing nothing', async () => {
    const inbox = await processor();
    await deliver(store, 'shop', [event('e2', 'order.updated', { id: 'O404' }), event('e3', 'order.updated', {})]);
    expect(await inbox.drain()).toMatchObject({ processed: 0, dead: 2 });
    expect((await deadLetters(store)).map((d) => d.error_code)).toEqual([
      'CONNECTD_ERR_WEBHOOK_PROCESSING_FETCH_FAILED',
      'CONNECTD_ERR_WEBHOOK_PROCESSING_FETCH_PARAM',
    ]);
    const { rows } = await store.db.query(`select 1 from connectd.orders`);
    expect(rows).toEqual([]);
  });

  it('retries an event later while the vendor cannot answer, instead of losing or dead-lettering it', async () => {
    const inbox = await processor();
    requests.length = 0;
    const [id] = await deliver(store, 'shop', [event('e4', 'order.updated', { id: 'busy' })]);
    expect(await inbox.runOnce()).toMatchObject({ claimed: 1, retried: 1, dead: 0 });
    // The connection's retry policy (max_attempts: 2) ran first; the event waits for its own next attempt.
    expect(requests.map((r) => r.url)).toEqual(['/orders/busy', '/orders/busy']);
    const row = await inboxRow(store, id!);
    // 'failed' is the inbox's state of an event waiting for its next attempt.
    expect(row.status).toBe('failed');
    expect(row.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
    expect(row.last_error).toContain('CONNECTD_ERR_HTTP_RETRIES_EXHAUSTED');
  });

  it('queues one run of the stream for a burst of events, and another once that run has started', async () => {
    const inbox = await processor();
    await deliver(store, 'shop', [event('c1', 'catalog.version.updated'), event('c2', 'catalog.version.updated'), event('c3', 'catalog.version.updated')]);
    expect(await inbox.drain()).toMatchObject({ processed: 3 });
    const queued = async () =>
      (await store.db.query<{ id: string; status: string; payload: unknown }>(`select id::text, status, payload from connectd_engine.jobs where stream = 'catalog' order by id`)).rows;
    expect(await queued()).toEqual([{ id: expect.any(String), status: 'queued', payload: { connector: 'shop', stream: 'catalog', mode: 'incremental' } }]);
    expect(effects).toEqual([
      ['shop-acme', { kind: 'run_stream', stream: 'catalog' }],
      ['shop-acme', { kind: 'run_stream', stream: 'catalog' }],
      ['shop-acme', { kind: 'run_stream', stream: 'catalog' }],
    ]);
    // The queued run starts: what changes now may come after what it reads, so a new event queues another.
    await createJobRepository(store.db).claim({ queue: 'default', kinds: ['sync'], workerId: 'test', leaseMs: 60_000 });
    await deliver(store, 'shop', [event('c4', 'catalog.version.updated')]);
    await inbox.drain();
    expect((await queued()).map((j) => j.status)).toEqual(['running', 'queued']);
  });

  it('marks the connection needs_reauth when the vendor says the merchant revoked access', async () => {
    const inbox = await processor();
    await deliver(store, 'shop', [event('r1', 'oauth.authorization.revoked', { object: { revocation: { revoked_at: '2025-05-01T00:00:00Z' } } })]);
    expect(await inbox.drain()).toMatchObject({ processed: 1 });
    const { rows } = await store.db.query<{ status: string; status_reason: string }>(`select status, status_reason from connectd_engine.connections where id = 'shop-acme'`);
    expect(rows[0]!.status).toBe('needs_reauth');
    expect(rows[0]!.status_reason).toContain('oauth.authorization.revoked');
    expect(effects.map(([, e]) => e.kind)).toEqual(['mark_connection']);
  });

  it('disables the connection of an uninstalled app and deletes its tokens, which are void', async () => {
    const inbox = await processor();
    await store.db.query(
      `insert into connectd_engine.credentials (connection_id, kind, ciphertext, key_id) values ('shop-acme', 'access_token', '\\x00', 'k'), ('shop-globex', 'access_token', '\\x01', 'k')`,
    );
    await deliver(store, 'shop', [event('u1', 'app.uninstalled')]);
    expect(await inbox.drain()).toMatchObject({ processed: 1 });
    const { rows } = await store.db.query<{ id: string; status: string; tokens: number }>(
      `select c.id, c.status, (select count(*)::int from connectd_engine.credentials k where k.connection_id = c.id) as tokens from connectd_engine.connections c order by c.id`,
    );
    expect(rows).toEqual([
      { id: 'shop-acme', status: 'disabled', tokens: 0 },
      { id: 'shop-globex', status: 'active', tokens: 1 },
    ]);
  });

  it("erases every row the shop's connection wrote, and only those, and records a data request without writing", async () => {
    const inbox = await processor();
    await deliver(store, 'shop', [event('o1', 'order.updated', { id: 'O1' }), event('o2', 'order.updated', { id: 'O1' }, 'M2')]);
    await inbox.drain();
    const count = async (connection: string): Promise<number> =>
      (await store.db.query<{ n: number }>(
        `select (select count(*) from connectd.orders where connection_id = $1) + (select count(*) from connectd.transactions where connection_id = $1) as n`,
        [connection],
      )).rows[0]!.n;
    expect([Number(await count("shop-acme")), Number(await count("shop-globex"))]).toEqual([3, 3]);
    await deliver(store, 'shop', [event('r1', 'shop.redact'), event('d1', 'customers.data_request', { customer: { id: 7 } })]);
    expect(await inbox.drain()).toMatchObject({ processed: 2 });
    expect([Number(await count('shop-acme')), Number(await count('shop-globex'))]).toEqual([0, 3]);
    // The raw deliveries of the erased connection went too, the request settled beside it included;
    // the redaction request itself stays, processed.
    const { rows: kept } = await store.db.query<{ connection_id: string; n: number }>(
      `select connection_id, count(*)::int as n from connectd_engine.webhook_inbox group by connection_id order by connection_id`,
    );
    expect(kept).toEqual([
      { connection_id: 'shop-acme', n: 1 },
      { connection_id: 'shop-globex', n: 1 },
    ]);
    expect(effects.map(([connection, e]) => [connection, e.kind])).toContainEqual(['shop-acme', 'erase_connection_data']);
    expect(effects.map(([, e]) => e)).toContainEqual({ kind: 'record', note: 'the app answers data requests' });
  });
});
