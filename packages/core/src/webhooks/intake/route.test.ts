import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ComponentContext } from '../../connector/index.js';
import { createLogger } from '../../log/index.js';
import { createInboxWriter } from '../../persist/index.js';
import type { Store } from '../../store/index.js';
import { createTestDatabases, storeBackends } from '../../store/testing.js';
import { compileDeliveryKeys } from '../keys.js';
import { hmacVerifier } from '../verify/index.js';
import { createWebhookMetrics } from './metrics.js';
import { registerWebhookIntake } from './route.js';
import type { WebhookIntakeConnector } from './types.js';

const STORQ_SECRET = 'storq-webhook-secret-1';
const SHOP_SECRET = 'shop-client-secret-2';
const log = createLogger({ level: 'silent', destination: { write: () => undefined } });
const ctx: ComponentContext = { log, signal: new AbortController().signal, now: () => new Date() };

const hexSig = (body: string | Buffer, key = STORQ_SECRET): string => createHmac('sha256', key).update(body).digest('hex');
const b64Sig = (body: string | Buffer, key = SHOP_SECRET): string => createHmac('sha256', key).update(body).digest('base64');

function connectors(): Map<string, WebhookIntakeConnector> {
  return new Map<string, WebhookIntakeConnector>([
    [
      'storq',
      {
        verifier: hmacVerifier.create({ header: 'Storq-Signature', secret: STORQ_SECRET }, ctx),
        keys: compileDeliveryKeys({ event_id: '$.id', event_type: '$.type', route: '$.account' }, 'connectors.storq.webhooks'),
        eventTypes: new Set(['stock.updated']),
      },
    ],
    [
      'shop',
      {
        verifier: hmacVerifier.create({ header: 'X-Shop-Hmac-Sha256', encoding: 'base64', secret: SHOP_SECRET }, ctx),
        keys: compileDeliveryKeys({ event_id: 'header:X-Shop-Webhook-Id', event_type: 'header:X-Shop-Topic', route: 'header:X-Shop-Domain' }, 'connectors.shop.webhooks'),
        bodyLimitBytes: 2048,
        path: '/hooks/shop',
      },
    ],
    ['nokey', { verifier: hmacVerifier.create({ header: 'Storq-Signature', secret: STORQ_SECRET }, ctx), keys: compileDeliveryKeys({}, 'connectors.nokey.webhooks') }],
    ['closed', { verifier: hmacVerifier.create({ header: 'Storq-Signature' }, ctx), keys: compileDeliveryKeys({}, 'connectors.closed.webhooks') }],
  ]);
}

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

describe.each(storeBackends())('webhook intake on %s', (backend) => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(options: { onAccepted?: (c: string) => void } = {}): Promise<{ url: string; store: Store; registry: Registry; woken: string[] }> {
    const store = await dbs.fresh(backend, { migrate: true });
    const registry = new Registry();
    const woken: string[] = [];
    app = Fastify();
    app.get('/healthz', async () => ({ status: 'ok' }));
    await app.register(async (scope) =>
      registerWebhookIntake(scope, {
        connectors: connectors(),
        idleConnectors: new Set(['square']),
        inbox: createInboxWriter(store.db),
        log,
        metrics: createWebhookMetrics(registry),
        onAccepted: options.onAccepted ?? ((c) => woken.push(c)),
      }),
    );
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, store, registry, woken };
  }

  const post = (url: string, body: string | Buffer, headers: Record<string, string>): Promise<Response> =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  const inbox = async (store: Store): Promise<Array<Record<string, unknown>>> =>
    (await store.db.query('select * from connectd_engine.webhook_inbox order by id')).rows;

  it('stores a verified delivery byte for byte, committed before the 202, and wakes the worker', async () => {
    const { url, store, woken } = await start();
    const body = '{"id":"evt_1", "type":"stock.updated","account":"acme",\n "data":{"sku":"A-1","quantity":3}}';
    const res = await post(`${url}/webhooks/storq`, body, { 'storq-signature': hexSig(body), authorization: 'Bearer nope', cookie: 'a=b' });
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { status: string; id: string };
    expect(answer.status).toBe('accepted');
    // Read back after the answer, on the same database: the row was committed before the 2xx.
    const rows = await inbox(store);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(String(row['id'])).toBe(answer.id);
    expect(row).toMatchObject({ connector: 'storq', dedupe_key: 'evt_1', event_type: 'stock.updated', routing_key: 'acme', status: 'received' });
    expect((row['raw_body'] as Buffer).equals(Buffer.from(body))).toBe(true);
    expect(row['headers']).toEqual({ 'content-type': 'application/json' });
    expect(woken).toEqual(['storq']);
  });

  it('answers a duplicate delivery 200 and stores it once', async () => {
    const { url, store, woken } = await start();
    const body = '{"id":"evt_dup","type":"stock.updated"}';
    const first = await post(`${url}/webhooks/storq`, body, { 'storq-signature': hexSig(body) });
    expect(first.status).toBe(202);
    for (let i = 0; i < 3; i++) {
      const again = await post(`${url}/webhooks/storq`, body, { 'storq-signature': hexSig(body) });
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ status: 'duplicate' });
    }
    expect(await inbox(store)).toHaveLength(1);
    expect(woken).toEqual(['storq']);
  });

  it('stores header-declared keys and only the declared headers, on the connector path and the extra path', async () => {
    const { url, store } = await start();
    const body = '{"inventory_item_id":1,"available":5}';
    const headers = { 'x-shop-hmac-sha256': b64Sig(body), 'x-shop-webhook-id': 'wh-1', 'x-shop-topic': 'inventory_levels/update', 'x-shop-domain': 'a.example.com', 'x-other': 'x' };
    expect((await post(`${url}/webhooks/shop`, body, headers)).status).toBe(202);
    expect((await post(`${url}/hooks/shop`, body, { ...headers, 'x-shop-webhook-id': 'wh-2' })).status).toBe(202);
    expect((await post(`${url}/hooks/shop`, body, headers)).status).toBe(200);
    const rows = await inbox(store);
    expect(rows.map((r) => r['dedupe_key'])).toEqual(['wh-1', 'wh-2']);
    expect(rows[0]).toMatchObject({ connector: 'shop', event_type: 'inventory_levels/update', routing_key: 'a.example.com' });
    expect(rows[0]!['headers']).toEqual({
      'content-type': 'application/json',
      'x-shop-webhook-id': 'wh-1',
      'x-shop-topic': 'inventory_levels/update',
      'x-shop-domain': 'a.example.com',
    });
  });

  it('dedupes by the sha256 of the raw body when no dedupe key is declared, and keeps unknown event types as ignored', async () => {
    const { url, store, woken } = await start();
    const body = '{"hello":"world"}';
    expect((await post(`${url}/webhooks/nokey`, body, { 'storq-signature': hexSig(body) })).status).toBe(202);
    expect((await post(`${url}/webhooks/nokey`, body, { 'storq-signature': hexSig(body) })).status).toBe(200);
    const other = '{"id":"evt_x","type":"order.created"}';
    expect((await post(`${url}/webhooks/storq`, other, { 'storq-signature': hexSig(other) })).status).toBe(202);
    const rows = await inbox(store);
    expect(rows[0]!['dedupe_key']).toBe(`sha256:${createHash('sha256').update(body).digest('hex')}`);
    expect(rows[1]).toMatchObject({ dedupe_key: 'evt_x', status: 'ignored' });
    expect(rows[1]!['processed_at']).toBeInstanceOf(Date);
    expect(woken).toEqual(['nokey']);
  });

  it('refuses missing, wrong, re-indented and unconfigured signatures with 401 and stores nothing', async () => {
    const { url, store, registry } = await start();
    const body = '{"id":"evt_2","type":"stock.updated","data":{"sku":"A"}}';
    const reindented = JSON.stringify(JSON.parse(body), null, 2);
    const cases: Array<[string, string, Record<string, string>, string]> = [
      ['storq', body, {}, 'CONNECTD_ERR_WEBHOOK_SIGNATURE_MISSING'],
      ['storq', body, { 'storq-signature': hexSig(body, 'wrong-secret') }, 'CONNECTD_ERR_WEBHOOK_SIGNATURE_MISMATCH'],
      ['storq', reindented, { 'storq-signature': hexSig(body) }, 'CONNECTD_ERR_WEBHOOK_SIGNATURE_MISMATCH'],
      ['storq', '', { 'storq-signature': hexSig('') }, 'CONNECTD_ERR_WEBHOOK_SIGNATURE_MISSING'],
      ['closed', body, { 'storq-signature': hexSig(body) }, 'CONNECTD_ERR_WEBHOOK_NO_SECRET'],
    ];
    for (const [connector, payload, headers, code] of cases) {
      const res = await post(`${url}/webhooks/${connector}`, payload, headers);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe(code);
    }
    expect(await inbox(store)).toHaveLength(0);
    const text = await registry.metrics();
    expect(text).toMatch(/connectd_webhooks_rejected_total\{connector="storq",reason="mismatch"\} 2/);
    expect(text).toMatch(/connectd_webhooks_rejected_total\{connector="closed",reason="no_secret"\} 1/);
  });

  it('answers 404 for unknown and idle connectors, 405 for other methods, 413 over the limit, and stores nothing', async () => {
    const { url, store } = await start();
    const body = '{"id":"x"}';
    for (const name of ['nope', 'square']) {
      const res = await post(`${url}/webhooks/${name}`, body, { 'storq-signature': hexSig(body) });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('CONNECTD_ERR_WEBHOOK_UNKNOWN_CONNECTOR');
    }
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(`${url}/webhooks/storq`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
    expect((await fetch(`${url}/hooks/shop`)).status).toBe(405);
    const big = JSON.stringify({ pad: 'x'.repeat(4096) });
    const declared = await post(`${url}/webhooks/shop`, big, { 'x-shop-hmac-sha256': b64Sig(big) });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { code: string }).code).toBe('CONNECTD_ERR_WEBHOOK_BODY_TOO_LARGE');
    expect(await chunked(`${url}/webhooks/shop`, big)).toBe(413);
    const huge = Buffer.alloc(1024 * 1024 + 1, 0x20);
    expect((await post(`${url}/webhooks/storq`, huge, { 'storq-signature': hexSig(huge) })).status).toBe(413);
    expect(await inbox(store)).toHaveLength(0);
  });

  it('answers a verified body that is not JSON with 400 and keeps it as a dead letter, not in the inbox', async () => {
    const { url, store } = await start();
    const body = Buffer.from('{"id":"evt_3", "type": truncated');
    const res = await post(`${url}/webhooks/storq`, body, { 'storq-signature': hexSig(body) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('CONNECTD_ERR_WEBHOOK_BAD_JSON');
    expect(await inbox(store)).toHaveLength(0);
    const { rows } = await store.db.query<{ source_kind: string; connector: string; raw: Buffer; error_code: string; payload: unknown }>(
      'select source_kind, connector, raw, error_code, payload from connectd_engine.dead_letters',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source_kind: 'webhook', connector: 'storq', error_code: 'CONNECTD_ERR_WEBHOOK_BAD_JSON', payload: null });
    expect(rows[0]!.raw.equals(body)).toBe(true);
  });

  it('accepts bodies with any or no content type: verification decides', async () => {
    const { url, store } = await start();
    const body = '{"id":"evt_ct","type":"stock.updated"}';
    const noType = await fetch(`${url}/webhooks/storq`, { method: 'POST', body: Buffer.from(body), headers: { 'storq-signature': hexSig(body) } });
    expect(noType.status).toBe(202);
    const text = await post(`${url}/webhooks/storq`, body, { 'content-type': 'text/plain', 'storq-signature': hexSig(body) });
    expect(text.status).toBe(200);
    expect(await inbox(store)).toHaveLength(1);
  });

  it('groups concurrent deliveries into batches: each distinct event stored once, each repeat answered duplicate', async () => {
    const { url, store, registry } = await start();
    const bodies = Array.from({ length: 200 }, (_, i) => `{"id":"evt_c${i}","type":"stock.updated"}`);
    const same = '{"id":"evt_same","type":"stock.updated"}';
    const results = await Promise.all([
      ...bodies.map((b) => post(`${url}/webhooks/storq`, b, { 'storq-signature': hexSig(b) }).then((r) => r.status)),
      ...Array.from({ length: 30 }, () => post(`${url}/webhooks/storq`, same, { 'storq-signature': hexSig(same) }).then((r) => r.status)),
    ]);
    expect(results.slice(0, 200).every((s) => s === 202)).toBe(true);
    expect(results.slice(200).filter((s) => s === 202)).toHaveLength(1);
    expect(results.slice(200).filter((s) => s === 200)).toHaveLength(29);
    expect(await inbox(store)).toHaveLength(201);
    const text = await registry.metrics();
    expect(text).toMatch(/connectd_webhooks_accepted_total\{connector="storq"\} 201/);
    expect(text).toMatch(/connectd_webhooks_duplicates_total\{connector="storq"\} 29/);
    expect(text).toMatch(/connectd_webhooks_verified_total\{connector="storq"\} 230/);
    expect(text).toMatch(/connectd_webhook_intake_duration_seconds_count\{connector="storq"\} 230/);
  });

  it('answers 503 (never acknowledges) when the inbox cannot be written, and stays up', async () => {
    const { url, store } = await start();
    await store.db.exec('drop table connectd_engine.webhook_inbox');
    const body = '{"id":"evt_4","type":"stock.updated"}';
    const res = await post(`${url}/webhooks/storq`, body, { 'storq-signature': hexSig(body) });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('CONNECTD_ERR_WEBHOOK_INBOX_UNAVAILABLE');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

/** Posts with Transfer-Encoding: chunked (no Content-Length), so only the parser's limit can stop it. */
function chunked(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shop-hmac-sha256': b64Sig(body) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 512) req.write(body.slice(i, i + 512));
    req.end();
  });
}
