import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabases, storeBackends } from '../testing.js';
import { insertInboxRows, keepUnparsableWebhook, type NewInboxRow } from './inbox-intake.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const row = (dedupeKey: string, extra: Partial<NewInboxRow> = {}): NewInboxRow => ({
  connector: 'storq',
  routingKey: null,
  dedupeKey,
  eventType: 'stock.updated',
  headers: { 'content-type': 'application/json' },
  rawBody: Buffer.from(`{"id":"${dedupeKey}"}`),
  ...extra,
});

describe.each(storeBackends())('inbox intake on %s', (backend) => {
  it('inserts a batch in one statement and reports duplicates, within the batch and against stored rows', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const first = await insertInboxRows(store.db, [row('a'), row('b'), row('a'), row('a', { connector: 'other' })]);
    expect(first.map((o) => o.duplicate)).toEqual([false, false, true, false]);
    const second = await insertInboxRows(store.db, [row('b'), row('c')]);
    expect(second.map((o) => o.duplicate)).toEqual([true, false]);
    const { rows } = await store.db.query<{ id: string; connector: string; dedupe_key: string }>(
      'select id, connector, dedupe_key from connectd_engine.webhook_inbox order by id',
    );
    expect(rows.map((r) => `${r.connector}/${r.dedupe_key}`)).toEqual(['storq/a', 'storq/b', 'other/a', 'storq/c']);
    expect(first[0]).toEqual({ duplicate: false, id: String(rows[0]!.id) });
    expect(await insertInboxRows(store.db, [])).toEqual([]);
  });

  it('keeps every byte of the body and the headers, marks ignored rows processed, and keeps unparsable bodies as dead letters', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await insertInboxRows(store.db, [
      row('bytes', { rawBody: bytes, routingKey: 'shop.example', headers: { 'x-topic': 'a\u0000b' } }),
      row('skip', { status: 'ignored', eventType: null }),
    ]);
    const { rows } = await store.db.query<{ raw_body: Buffer; routing_key: string; headers: unknown; status: string; processed_at: Date | null }>(
      'select raw_body, routing_key, headers, status, processed_at from connectd_engine.webhook_inbox order by id',
    );
    expect(rows[0]!.raw_body.equals(bytes)).toBe(true);
    expect(rows[0]).toMatchObject({ routing_key: 'shop.example', headers: { 'x-topic': 'a\uFFFDb' }, status: 'received', processed_at: null });
    expect(rows[1]!.status).toBe('ignored');
    expect(rows[1]!.processed_at).toBeInstanceOf(Date);

    await keepUnparsableWebhook(store.db, { connector: 'storq', rawBody: Buffer.from('{oops'), errorCode: 'CONNECTD_ERR_WEBHOOK_BAD_JSON', reason: 'bad' });
    const letters = await store.db.query<{ source_kind: string; raw: Buffer }>('select source_kind, raw from connectd_engine.dead_letters');
    expect(letters.rows).toHaveLength(1);
    expect(letters.rows[0]!.source_kind).toBe('webhook');
    expect(letters.rows[0]!.raw.toString()).toBe('{oops');
  });
});
