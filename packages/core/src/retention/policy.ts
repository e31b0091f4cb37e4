import type { RetentionConfig } from '../config/index.js';
import { RETENTION_TABLES, type RetentionTable } from './types.js';

const DAY_MS = 86_400_000;

/** Defaults of `server.retention` (docs/config-reference.md). */
export const DEFAULT_RETENTION_INTERVAL_MS = 60 * 60_000;
/** Rows per delete statement: each batch is one short transaction. */
export const DEFAULT_RETENTION_BATCH_SIZE = 1000;
/** Processed and ignored webhook events; also how long a redelivery is recognised as a duplicate. */
export const DEFAULT_INBOX_RETENTION_MS = 7 * DAY_MS;
export const DEFAULT_JOBS_RETENTION_MS = 30 * DAY_MS;
export const DEFAULT_SYNC_RUNS_RETENTION_MS = 30 * DAY_MS;
/** Expired OAuth states, counted from their expiry (and connect sessions, once they exist). */
export const DEFAULT_EXPIRED_STATES_RETENTION_MS = 1 * DAY_MS;
export const DEFAULT_REPLAYED_DEAD_LETTERS_RETENTION_MS = 30 * DAY_MS;
/** Events delivered to a destination, counted from their delivery. */
export const DEFAULT_DELIVERED_EVENTS_RETENTION_MS = 7 * DAY_MS;
/** The change feed: how far back `GET /api/changes?after=` can read. */
export const DEFAULT_CHANGES_RETENTION_MS = 30 * DAY_MS;

/** `server.retention` with its defaults applied, in milliseconds. */
export interface RetentionPolicy {
  readonly enabled: boolean;
  readonly intervalMs: number;
  readonly batchSize: number;
  /** How long each table keeps a row once it may go (finished, expired, replayed). */
  readonly keepMs: Readonly<Record<RetentionTable, number>>;
}

/** The deletes of one pass: each table's rows older than `olderThan`. */
export interface RetentionCutoff {
  readonly table: RetentionTable;
  readonly olderThan: Date;
}

const days = (value: number | undefined, fallbackMs: number): number => (value === undefined ? fallbackMs : value * DAY_MS);

/**
 * Applies the defaults to `server.retention` (validated by its schema).
 * @example
 * retentionPolicy({ inbox_days: 3 }).keepMs.webhook_inbox; // 259_200_000
 */
export function retentionPolicy(config: RetentionConfig | undefined = {}): RetentionPolicy {
  return {
    enabled: config.enabled ?? true,
    intervalMs: config.interval_minutes === undefined ? DEFAULT_RETENTION_INTERVAL_MS : config.interval_minutes * 60_000,
    batchSize: config.batch_size ?? DEFAULT_RETENTION_BATCH_SIZE,
    keepMs: {
      webhook_inbox: days(config.inbox_days, DEFAULT_INBOX_RETENTION_MS),
      jobs: days(config.jobs_days, DEFAULT_JOBS_RETENTION_MS),
      dead_letters: days(config.replayed_dead_letters_days, DEFAULT_REPLAYED_DEAD_LETTERS_RETENTION_MS),
      sync_runs: days(config.sync_runs_days, DEFAULT_SYNC_RUNS_RETENTION_MS),
      oauth_states: days(config.expired_states_days, DEFAULT_EXPIRED_STATES_RETENTION_MS),
      connect_sessions: days(config.expired_states_days, DEFAULT_EXPIRED_STATES_RETENTION_MS),
      outbound_events: days(config.delivered_events_days, DEFAULT_DELIVERED_EVENTS_RETENTION_MS),
      changes: days(config.changes_days, DEFAULT_CHANGES_RETENTION_MS),
    },
  };
}

/**
 * Each table's cutoff at `now`, in the order a pass prunes them: replayed dead letters before sync
 * runs, so fewer deleted runs have letters to update.
 * @example
 * retentionCutoffs(retentionPolicy(), new Date('2025-06-30T00:00:00Z'))[0]; // { table: 'webhook_inbox', olderThan: 2025-06-23… }
 */
export function retentionCutoffs(policy: RetentionPolicy, now: Date): RetentionCutoff[] {
  return RETENTION_TABLES.map((table) => ({ table, olderThan: new Date(now.getTime() - policy.keepMs[table]) }));
}
