import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHANGES_RETENTION_MS,
  DEFAULT_DELIVERED_EVENTS_RETENTION_MS,
  DEFAULT_EXPIRED_STATES_RETENTION_MS,
  DEFAULT_INBOX_RETENTION_MS,
  DEFAULT_JOBS_RETENTION_MS,
  DEFAULT_REPLAYED_DEAD_LETTERS_RETENTION_MS,
  DEFAULT_RETENTION_BATCH_SIZE,
  DEFAULT_RETENTION_INTERVAL_MS,
  DEFAULT_SYNC_RUNS_RETENTION_MS,
  retentionCutoffs,
  retentionPolicy,
} from './policy.js';

const DAY_MS = 86_400_000;

describe('retention policy', () => {
  it('keeps processed and delivered events a week, finished jobs, runs, replayed letters and changes a month, expired states and sessions a day, hourly in batches of 1000', () => {
    expect(retentionPolicy()).toEqual({
      enabled: true,
      intervalMs: DEFAULT_RETENTION_INTERVAL_MS,
      batchSize: DEFAULT_RETENTION_BATCH_SIZE,
      keepMs: {
        webhook_inbox: DEFAULT_INBOX_RETENTION_MS,
        jobs: DEFAULT_JOBS_RETENTION_MS,
        dead_letters: DEFAULT_REPLAYED_DEAD_LETTERS_RETENTION_MS,
        sync_runs: DEFAULT_SYNC_RUNS_RETENTION_MS,
        oauth_states: DEFAULT_EXPIRED_STATES_RETENTION_MS,
        connect_sessions: DEFAULT_EXPIRED_STATES_RETENTION_MS,
        outbound_events: DEFAULT_DELIVERED_EVENTS_RETENTION_MS,
        changes: DEFAULT_CHANGES_RETENTION_MS,
      },
    });
    expect([
      DEFAULT_INBOX_RETENTION_MS,
      DEFAULT_JOBS_RETENTION_MS,
      DEFAULT_SYNC_RUNS_RETENTION_MS,
      DEFAULT_EXPIRED_STATES_RETENTION_MS,
      DEFAULT_DELIVERED_EVENTS_RETENTION_MS,
      DEFAULT_CHANGES_RETENTION_MS,
    ]).toEqual([7 * DAY_MS, 30 * DAY_MS, 30 * DAY_MS, DAY_MS, 7 * DAY_MS, 30 * DAY_MS]);
    expect(DEFAULT_RETENTION_INTERVAL_MS).toBe(3_600_000);
    expect(DEFAULT_RETENTION_BATCH_SIZE).toBe(1000);
  });

  it('takes every key of server.retention, in days and minutes', () => {
    const policy = retentionPolicy({
      enabled: false,
      interval_minutes: 5,
      batch_size: 200,
      inbox_days: 2,
      jobs_days: 3,
      sync_runs_days: 4,
      expired_states_days: 5,
      replayed_dead_letters_days: 6,
      delivered_events_days: 7,
      changes_days: 8,
    });
    expect(policy).toEqual({
      enabled: false,
      intervalMs: 300_000,
      batchSize: 200,
      keepMs: {
        webhook_inbox: 2 * DAY_MS,
        jobs: 3 * DAY_MS,
        sync_runs: 4 * DAY_MS,
        oauth_states: 5 * DAY_MS,
        connect_sessions: 5 * DAY_MS,
        dead_letters: 6 * DAY_MS,
        outbound_events: 7 * DAY_MS,
        changes: 8 * DAY_MS,
      },
    });
  });

  it('cuts each table at now minus its age, replayed dead letters before the sync runs they may name', () => {
    const now = new Date('2025-07-01T00:00:00.000Z');
    expect(retentionCutoffs(retentionPolicy(), now)).toEqual([
      { table: 'webhook_inbox', olderThan: new Date('2025-06-24T00:00:00.000Z') },
      { table: 'jobs', olderThan: new Date('2025-06-01T00:00:00.000Z') },
      { table: 'dead_letters', olderThan: new Date('2025-06-01T00:00:00.000Z') },
      { table: 'sync_runs', olderThan: new Date('2025-06-01T00:00:00.000Z') },
      { table: 'oauth_states', olderThan: new Date('2025-06-30T00:00:00.000Z') },
      { table: 'connect_sessions', olderThan: new Date('2025-06-30T00:00:00.000Z') },
      { table: 'outbound_events', olderThan: new Date('2025-06-24T00:00:00.000Z') },
      { table: 'changes', olderThan: new Date('2025-06-01T00:00:00.000Z') },
    ]);
  });
});
