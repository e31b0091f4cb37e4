import { describe, expect, it } from 'vitest';
import { isConnectdError, STORE_UNREACHABLE } from '../errors/index.js';
import { runRetentionPass } from './pass.js';
import { retentionPolicy } from './policy.js';
import { MemoryRetentionStore } from './testing.js';

const now = new Date('2025-07-01T00:00:00.000Z');
const daysAgo = (days: number): Date => new Date(now.getTime() - days * 86_400_000);

describe('a retention pass', () => {
  it('deletes each table batch by batch until a batch comes back short, and counts per table', async () => {
    const store = new MemoryRetentionStore({
      webhook_inbox: [...Array.from({ length: 25 }, () => daysAgo(8)), daysAgo(6)],
      jobs: [daysAgo(31), daysAgo(29)],
      oauth_states: [daysAgo(2)],
      connect_sessions: [daysAgo(3), daysAgo(0.5)],
      changes: [daysAgo(31)],
    });
    const batches: Array<[string, number]> = [];
    const report = await runRetentionPass({
      store,
      policy: { ...retentionPolicy(), batchSize: 10 },
      now,
      batchPauseMs: 0,
      onDeleted: (table, count) => batches.push([table, count]),
    });
    expect(report).toMatchObject({ outcome: 'completed', deleted: { webhook_inbox: 25, jobs: 1, dead_letters: 0, sync_runs: 0, oauth_states: 1, connect_sessions: 1, outbound_events: 0, changes: 1 } });
    expect(batches).toEqual([
      ['webhook_inbox', 10],
      ['webhook_inbox', 10],
      ['webhook_inbox', 5],
      ['jobs', 1],
      ['oauth_states', 1],
      ['connect_sessions', 1],
      ['changes', 1],
    ]);
    // Three inbox batches (the third short), then one statement per other table.
    expect(report.batches).toBe(10);
    expect(store.remaining()).toEqual({ webhook_inbox: 1, jobs: 1, dead_letters: 0, sync_runs: 0, oauth_states: 0, connect_sessions: 1, outbound_events: 0, changes: 0 });
    expect(store.calls.map((c) => c.table)).toEqual([
      'webhook_inbox',
      'webhook_inbox',
      'webhook_inbox',
      'jobs',
      'dead_letters',
      'sync_runs',
      'oauth_states',
      'connect_sessions',
      'outbound_events',
      'changes',
    ]);
    // Statistics first, then the space of the tables that lost rows, once.
    expect(store.prepared).toEqual([['webhook_inbox', 'jobs', 'dead_letters', 'sync_runs', 'oauth_states', 'connect_sessions', 'outbound_events', 'changes']]);
    expect(store.reclaimed).toEqual([['webhook_inbox', 'jobs', 'oauth_states', 'connect_sessions', 'changes']]);
  });

  it('reclaims nothing after a pass that deleted nothing', async () => {
    const store = new MemoryRetentionStore({ webhook_inbox: [daysAgo(1)] });
    expect((await runRetentionPass({ store, policy: retentionPolicy(), now })).outcome).toBe('completed');
    expect(store.reclaimed).toEqual([]);
  });

  it('deletes nothing and says skipped while another process holds the lock', async () => {
    const store = new MemoryRetentionStore({ webhook_inbox: [daysAgo(30)] });
    store.lockHeldElsewhere = true;
    const report = await runRetentionPass({ store, policy: retentionPolicy(), now });
    expect(report).toMatchObject({ outcome: 'skipped', batches: 0, deleted: { webhook_inbox: 0 } });
    expect(store.remaining().webhook_inbox).toBe(1);
  });

  it('ends after the batch in flight when aborted, and says stopped', async () => {
    const store = new MemoryRetentionStore({ webhook_inbox: Array.from({ length: 50 }, () => daysAgo(30)) });
    const stop = new AbortController();
    store.onPrune = () => stop.abort();
    const report = await runRetentionPass({ store, policy: { ...retentionPolicy(), batchSize: 10 }, now, signal: stop.signal, batchPauseMs: 60_000 });
    expect(report).toMatchObject({ outcome: 'stopped', batches: 1, deleted: { webhook_inbox: 10 } });
    expect(store.reclaimed).toEqual([]);
    expect(store.remaining().webhook_inbox).toBe(40);
  });

  it('rejects with the store error and keeps what the earlier batches deleted', async () => {
    const store = new MemoryRetentionStore({ webhook_inbox: Array.from({ length: 15 }, () => daysAgo(30)) });
    store.onPrune = (call) => {
      if (call === 2) throw STORE_UNREACHABLE({ target: 'test', reason: 'gone' });
    };
    const err = await runRetentionPass({ store, policy: { ...retentionPolicy(), batchSize: 10 }, now, batchPauseMs: 0 }).catch((e: unknown) => e);
    expect(isConnectdError(err, 'CONNECTD_ERR_STORE_UNREACHABLE')).toBe(true);
    expect(store.remaining().webhook_inbox).toBe(5);
  });
});
