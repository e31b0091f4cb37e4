import type { Migration } from './migration.js';

/**
 * What the inbox processor needs beyond 0001:
 * - A lease on claimed rows: `processing` rows carry `lease_until` and the `claimed_by` token of
 *   their processor. A daemon that dies mid-batch leaves rows `processing`; once the lease passed,
 *   any processor claims them again. The token makes a late writer's commit fail instead of
 *   applying an event twice: marking a row `processed` checks it in the same transaction as the
 *   entity writes.
 * - The index the reclaim query reads (the pending index of 0001 covers received/failed only).
 */
const SQL = `
alter table connectd_engine.webhook_inbox add column lease_until timestamptz;
alter table connectd_engine.webhook_inbox add column claimed_by text;
create index webhook_inbox_lease_idx on connectd_engine.webhook_inbox (lease_until) where status = 'processing';
`;

export const migration0003WebhookProcessing: Migration = { name: '0003_webhook_processing', sql: SQL };
