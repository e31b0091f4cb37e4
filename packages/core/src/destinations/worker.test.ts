import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import { listDeadLetters, saveConnection, setConnectionStatus, type Queryable, type Store } from '../store/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import { loadTestProject, replayerFor } from '../testing/webhook-processing.js';
import { compileDestinations } from './compile.js';
import { OutboundWorker } from './worker.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const log = createLogger({ level: 'silent' });
const SECRET = `whsec_${Buffer.from('a test key of the app').toString('base64')}`;

interface Received {
  readonly id: string;
  readonly type: string;
  readonly key: string | undefined;
  readonly position: number | undefined;
}

/** An app endpoint on loopback whose answer the test sets: a status, or no answer at all. */
async function endpoint(): Promise<{ url: string; received: Received[]; answer: { status: number | 'hang' }; close(): Promise<void> }> {
  const received: Received[] = [];
  const answer: { status: number | 'hang' } = { status: 200 };
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (answer.status === 'hang') return;
      const event = JSON.parse(body) as { type: string; data: { key?: string; position?: number } };
      if (answer.status === 200) received.push({ id: String(req.headers['webhook-id']), type: event.type, key: event.data.key, position: event.data.position });
      res.statusCode = answer.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    received,
    answer,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

let position = 0;
async function change(db: Queryable, entity: string, key: string, quantity: number): Promise<void> {
  position += 1;
  await db.query(
    `insert into connectd.changes (position, entity, natural_key, tenant_id, connector, connection_id, operation, changed, before, after, source)
     values ($1, $2, $3, 'acme', 'storq', 'storq-acme', 'updated', '{quantity}', '{}'::jsonb, $4::jsonb, '{"kind":"sync"}'::jsonb)`,
    [position, entity, key, JSON.stringify({ sku: key, quantity })],
  );
  await db.query(`update connectd_engine.change_counter set last = $1`, [position]);
}

async function drain(worker: OutboundWorker, rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) if (!(await worker.tick())) return;
}

describe.each(storeBackends())('outbound delivery on %s', (backend) => {
  let store: Store;
  const fresh = async (): Promise<Store> => {
    store = await dbs.fresh(backend, { migrate: true });
    position = 0;
    return store;
  };

  it('delivers every change once per destination, in order per key, through retries and an outage', async () => {
    const { db } = await fresh();
    const app = await endpoint();
    const other = await endpoint();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const destinations = compileDestinations({
      app: { url: app.url, secret: SECRET, events: ['inventory_level.*'] },
      other: { url: other.url, secret: SECRET, events: ['*'] },
    });
    const worker = new OutboundWorker({ db, destinations, log, now: () => now, pollIntervalMs: 10, random: () => 0 });
    try {
      await change(db, 'inventory_level', 'A', 1);
      await change(db, 'product', 'P', 1);
      app.answer.status = 500;
      await drain(worker);
      expect(other.received.map((r) => r.position)).toEqual([1, 2]);
      expect(app.received).toEqual([]);
      // A second change of A waits behind the first; B goes ahead.
      await change(db, 'inventory_level', 'A', 2);
      await change(db, 'inventory_level', 'B', 1);
      app.answer.status = 200;
      await drain(worker);
      expect(app.received.map((r) => r.key)).toEqual(['B']);
      // Ten minutes later the retry of A's first change is due, then its second.
      now += 10 * 60_000;
      await drain(worker);
      expect(app.received.map((r) => `${r.key}${r.position}`)).toEqual(['B4', 'A1', 'A3']);
      expect(new Set(app.received.map((r) => r.id)).size).toBe(3);
      expect(other.received.map((r) => r.position)).toEqual([1, 2, 3, 4]);
    } finally {
      await worker.stop();
      await app.close();
      await other.close();
    }
  });

  it('retries a timed-out or unreachable endpoint, then dead-letters after the retry window', async () => {
    const { db } = await fresh();
    const app = await endpoint();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const destinations = compileDestinations({ app: { url: app.url, secret: SECRET, events: ['*'], timeout_ms: 200, retry_hours: 1 } });
    const worker = new OutboundWorker({ db, destinations, log, now: () => now, pollIntervalMs: 10, random: () => 0 });
    try {
      await change(db, 'order', 'O1', 1);
      app.answer.status = 'hang';
      await drain(worker);
      await app.close();
      for (let i = 0; i < 12; i += 1) {
        now += 10 * 60_000;
        await drain(worker);
      }
      const letters = await listDeadLetters(db, { sourceKind: 'outbound' });
      expect(letters).toMatchObject([{ connector: 'storq', connectionId: 'storq-acme', stream: 'app', errorCode: 'CONNECTD_ERR_OUTBOUND_DELIVERY_FAILED', payload: { event_id: 'evt_app_c1', type: 'order.updated' } }]);
      const { rows } = await db.query<{ status: string }>(`select status from connectd_engine.outbound_events`);
      expect(rows).toEqual([{ status: 'dead' }]);
      // Replaying the letter (what `connectd replay` asks the daemon to do) sends the same event
      // again, with the same webhook-id, from a new retry window on the wall clock; once only.
      const revived = await endpoint();
      const again = new OutboundWorker({ db, destinations: compileDestinations({ app: { url: revived.url, secret: SECRET, events: ['*'] } }), log, pollIntervalMs: 10 });
      const replayer = replayerFor(await loadTestProject(), store);
      expect(await replayer.replay({ ids: [letters[0]!.id] })).toMatchObject({ replayed: 1, byKind: { outbound_event: 1 } });
      expect(await replayer.replay({ ids: [letters[0]!.id] })).toMatchObject({ replayed: 0, notOpen: [letters[0]!.id] });
      await drain(again);
      await again.stop();
      await revived.close();
      expect(revived.received.map((r) => r.id)).toEqual(['evt_app_c1']);
    } finally {
      await worker.stop();
      await app.close().catch(() => undefined);
    }
  });

  it('disables a destination that answers 410 Gone and keeps its events', async () => {
    const { db } = await fresh();
    const app = await endpoint();
    const lines: string[] = [];
    const capture = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    const destinations = compileDestinations({ app: { url: app.url, secret: SECRET, events: ['*'] } });
    const worker = new OutboundWorker({ db, destinations, log: capture, pollIntervalMs: 10 });
    try {
      await change(db, 'order', 'O1', 1);
      await change(db, 'order', 'O2', 1);
      app.answer.status = 410;
      await drain(worker);
      expect(lines.filter((l) => l.includes('CONNECTD_ERR_OUTBOUND_DESTINATION_GONE'))).toHaveLength(1);
      app.answer.status = 200;
      await drain(worker);
      expect(app.received).toEqual([]);
      const { rows } = await db.query<{ n: string }>(`select count(*) as n from connectd_engine.outbound_events where status = 'pending'`);
      expect(Number(rows[0]?.n)).toBe(2);
    } finally {
      await worker.stop();
      await app.close();
    }
  });

  it('takes lifecycle events off their table when no destination wants them, so none pile up', async () => {
    const { db } = await fresh();
    const worker = new OutboundWorker({ db, destinations: compileDestinations({ unset: { url: '', secret: '', events: ['*'] } }), log, pollIntervalMs: 10 });
    await db.transaction((tx) => saveConnection(tx, { id: 'sq-acme', connector: 'square', tenantId: 'acme' }));
    await change(db, 'order', 'O1', 1);
    await drain(worker);
    const { rows } = await db.query<{ lifecycle: string; outbox: string }>(
      `select (select count(*) from connectd_engine.lifecycle_events)::text as lifecycle, (select count(*) from connectd_engine.outbound_events)::text as outbox`,
    );
    expect(rows[0]).toEqual({ lifecycle: '0', outbox: '0' });
    await worker.stop();
  });

  it('sends lifecycle events of connections and failed syncs', async () => {
    const { db } = await fresh();
    const app = await endpoint();
    const destinations = compileDestinations({ app: { url: app.url, secret: SECRET, events: ['connection.*', 'sync.failed'] } });
    const worker = new OutboundWorker({ db, destinations, log, pollIntervalMs: 10 });
    try {
      await db.transaction((tx) => saveConnection(tx, { id: 'sq-acme', connector: 'square', tenantId: 'acme' }));
      await setConnectionStatus(db, 'sq-acme', 'needs_reauth', 'refresh token revoked');
      await setConnectionStatus(db, 'sq-acme', 'disabled', 'uninstalled');
      const { rows } = await db.query<{ id: string }>(`insert into connectd_engine.sync_runs (connection_id, stream) values ('sq-acme', 'orders') returning id`);
      await db.query(`update connectd_engine.sync_runs set result = 'failed', error = 'boom' where id = $1`, [rows[0]!.id]);
      await drain(worker);
      expect(app.received.map((r) => r.type)).toEqual(['connection.created', 'connection.needs_reauth', 'connection.disabled', 'sync.failed']);
    } finally {
      await worker.stop();
      await app.close();
    }
  });
});
