/**
 * The replayer's decisions against its port, with an in-memory store: what it replays, what it
 * skips and why, what it counts, and when it stops. The same replays over Postgres and PGlite are
 * in replayer.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../connector/index.js';
import { STORE_UNREACHABLE } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import type { Project } from '../project/index.js';
import type { DeadLetter } from '../store/index.js';
import { loadTestProject } from '../testing/webhook-processing.js';
import { webhookRecordDeadLetter } from '../webhooks/index.js';
import type { ReplayedJob, ReplayedRecords, ReplayStore, ReplayWrite } from './ports.js';
import { DeadLetterReplayer } from './replayer.js';

const log = createLogger({ level: 'silent' });
const CONNECTIONS: Record<string, ConnectionInfo> = {
  storq: { id: 'storq', tenant: 'default', config: {} },
  'pos-acme': { id: 'pos-acme', tenant: 'acme', config: { account_id: 'M-ACME' } },
};

let project: Project;
beforeAll(async () => {
  project = await loadTestProject();
});

function letter(id: number, fields: Partial<DeadLetter>): DeadLetter {
  return {
    id: String(id),
    sourceKind: 'webhook',
    connector: 'storq',
    connectionId: 'storq',
    stream: null,
    runId: null,
    payload: null,
    raw: null,
    errorCode: 'CONNECTD_ERR_MAPPING_SCHEMA',
    reason: 'r',
    createdAt: new Date(0),
    replayedAt: null,
    ...fields,
  };
}

/** An in-memory ReplayStore: letters close when replayed; what each replay wrote is recorded. */
function memoryStore(letters: DeadLetter[], options: { missingEvents?: string[]; failOn?: string } = {}) {
  const closed = new Set<string>();
  const writes: Array<{ letter: string; what: 'event' | 'job' | 'records' | 'outbound'; detail: unknown }> = [];
  const apply = (letterId: string, what: 'event' | 'job' | 'records' | 'outbound', detail: unknown): ReplayWrite => {
    if (options.failOn === letterId) throw STORE_UNREACHABLE({ target: 'postgres', reason: 'connection refused' });
    if (closed.has(letterId)) return 'closed';
    closed.add(letterId);
    writes.push({ letter: letterId, what, detail });
    return 'replayed';
  };
  const store: ReplayStore = {
    lastLetterId: async () => String(Math.max(0, ...letters.map((l) => Number(l.id)))),
    async candidates(filter) {
      return letters
        .filter((l) => !closed.has(l.id) && Number(l.id) <= Number(filter.upToId) && (filter.afterId === undefined || Number(l.id) > Number(filter.afterId)))
        .filter((l) => (filter.connector === undefined || l.connector === filter.connector) && (filter.ids === undefined || filter.ids.includes(l.id)))
        .slice(0, filter.limit);
    },
    replayEvent: async (letterId, inboxId) => (options.missingEvents?.includes(inboxId) === true ? 'missing' : apply(letterId, 'event', inboxId)),
    replayJob: async (letterId, job: ReplayedJob) => apply(letterId, 'job', job),
    replayOutbound: async (letterId, outboundId) => apply(letterId, 'outbound', outboundId),
    replayRecords: async (letterId, records: ReplayedRecords) => apply(letterId, 'records', records),
    lookupVendorIds: async () => new Map([['L1', 'acme/store-1']]),
  };
  return { store, writes, closed };
}

function replayerOf(store: ReplayStore, requeued: string[] = []): DeadLetterReplayer {
  return new DeadLetterReplayer({
    store,
    catalog: project.catalog,
    webhookEvent: (connector, type) => project.webhooks(connector)?.events.get(type),
    stream: (connector, stream) => project.streams(connector).get(stream),
    connection: async (_connector, id) => CONNECTIONS[id],
    log,
    onRequeued: (what) => requeued.push(what),
  });
}

describe('DeadLetterReplayer', () => {
  it('sends events back to the inbox, maps records again with the current mapping, and enqueues dead jobs again', async () => {
    const letters = [
      letter(1, { payload: { kind: 'event', inbox_id: '41', event_type: 'stock.updated' } }),
      letter(2, { payload: webhookRecordDeadLetter('42', 'stock.updated', { data: { object: { sku: 'A', quantity: 3 } } }) }),
      letter(3, { sourceKind: 'sync', stream: 'stock', payload: { sku: 'B', quantity: 4 } }),
      letter(4, { sourceKind: 'job', stream: 'stock', payload: { kind: 'sync', queue: 'default', payload: { connector: 'storq', stream: 'stock' } } }),
    ];
    const { store, writes } = memoryStore(letters);
    const requeued: string[] = [];
    const summary = await replayerOf(store, requeued).replay({ all: true });
    expect(summary).toMatchObject({ replayed: 4, byKind: { webhook_event: 1, webhook_record: 1, sync_record: 1, job: 1 }, failedAgain: 0, skipped: [], notOpen: [] });
    expect(writes.map((w) => [w.letter, w.what])).toEqual([['1', 'event'], ['2', 'records'], ['3', 'records'], ['4', 'job']]);
    expect((writes[1]!.detail as ReplayedRecords).rows).toEqual([{ entity: 'inventory_level', naturalKey: 'default/A', value: { product: 'A', quantity: 3, store: 'default' } }]);
    expect((writes[2]!.detail as ReplayedRecords).rows).toEqual([{ entity: 'inventory_level', naturalKey: 'default/B', value: { product: 'B', quantity: 4, store: 'default' } }]);
    expect(writes[3]!.detail).toEqual({ kind: 'sync', queue: 'default', connectionId: 'storq', stream: 'stock', payload: { connector: 'storq', stream: 'stock' } });
    expect(requeued.sort()).toEqual(['job', 'webhook']);
  });

  it('writes a record that fails again as a new dead letter, counted apart', async () => {
    const { store, writes } = memoryStore([letter(1, { payload: webhookRecordDeadLetter('42', 'stock.updated', { data: { object: { quantity: 3 } } }) })]);
    const summary = await replayerOf(store).replay({ all: true });
    expect(summary).toMatchObject({ replayed: 1, failedAgain: 1 });
    const records = writes[0]!.detail as ReplayedRecords;
    expect(records.rows).toEqual([]);
    expect(records.failedAgain).toEqual([expect.objectContaining({ sourceKind: 'webhook', connector: 'storq', connectionId: 'storq', errorCode: 'CONNECTD_ERR_MAPPING_SCHEMA' })]);
  });

  it('leaves open, with the reason, what it cannot replay now', async () => {
    const letters = [
      letter(1, { payload: { kind: 'event', inbox_id: '41' } }),
      letter(2, { payload: webhookRecordDeadLetter('42', 'stock.deleted', {}) }),
      letter(3, { sourceKind: 'sync', stream: 'orders', payload: {} }),
      letter(4, { connectionId: 'storq-gone', payload: webhookRecordDeadLetter('42', 'stock.updated', {}) }),
      letter(5, { sourceKind: 'job', payload: { queue: 'default' } }),
      letter(6, { payload: null, raw: Buffer.from('{oops') }),
    ];
    const { store, writes, closed } = memoryStore(letters, { missingEvents: ['41'] });
    const summary = await replayerOf(store).replay({ connector: 'storq' });
    expect(summary.replayed).toBe(0);
    expect(summary.skipped.map((s) => [s.id, s.code])).toEqual(letters.map((l) => [l.id, 'CONNECTD_ERR_REPLAY_NOT_REPLAYABLE']));
    expect(summary.skipped.map((s) => s.reason)).toEqual([
      expect.stringContaining('inbox event 41 is gone'),
      expect.stringContaining('no longer maps webhook event "stock.deleted"'),
      expect.stringContaining('no longer declares stream "orders"'),
      expect.stringContaining('connection "storq-gone" is not configured'),
      expect.stringContaining('does not hold a job'),
      expect.stringContaining('holds no stored event'),
    ]);
    expect(writes).toEqual([]);
    expect(closed.size).toBe(0);
  });

  it('reports requested ids that are not open, and counts nothing twice', async () => {
    const letters = [letter(7, { payload: { kind: 'event', inbox_id: '70' } })];
    const { store } = memoryStore(letters);
    const replayer = replayerOf(store);
    expect(await replayer.replay({ ids: ['7', '8'] })).toMatchObject({ replayed: 1, notOpen: ['8'] });
    expect(await replayer.replay({ ids: ['7'] })).toMatchObject({ replayed: 0, notOpen: ['7'] });
  });

  it('stops at the first letter the store cannot take (it is unreachable), instead of skipping the rest', async () => {
    const { store } = memoryStore([letter(1, { payload: { kind: 'event', inbox_id: '1' } }), letter(2, { payload: { kind: 'event', inbox_id: '2' } })], { failOn: '1' });
    await expect(replayerOf(store).replay({ all: true })).rejects.toMatchObject({ code: 'CONNECTD_ERR_STORE_UNREACHABLE' });
  });

  it('needs a selection', async () => {
    const { store } = memoryStore([]);
    await expect(replayerOf(store).replay({})).rejects.toMatchObject({ code: 'CONNECTD_ERR_REPLAY_NO_SELECTION' });
  });
});
