import { claimInboxEvents, insertDeadLetters, lookupVendorIds, retryInboxEvents, settleInboxEvents, type Database } from '../store/index.js';
import { webhookRecordDeadLetter, type EventSettlement, type WebhookEventStore } from '../webhooks/index.js';
import type { EntityWriter } from './entity-writer.js';

type Processed = Extract<EventSettlement, { kind: 'processed' }>;

/**
 * The inbox processor's storage over the store's repositories: claims, the settlement of a batch
 * in one transaction (inbox rows first, then entities through the one write path, then dead
 * letters), retries and vendor-id lookups.
 * @example
 * const events = createWebhookEventStore(store.db, createEntityWriter(project.catalog));
 */
export function createWebhookEventStore(db: Database, writer: EntityWriter): WebhookEventStore {
  return {
    claim: (request) => claimInboxEvents(db, request),

    async settle(claimedBy, settlements) {
      return db.transaction(async (tx) => {
        const settled = await settleInboxEvents(
          tx,
          claimedBy,
          settlements.map((s) => ({
            id: s.event.id,
            status: s.kind,
            eventType: s.eventType ?? null,
            routingKey: s.routingKey ?? null,
            ...(s.kind === 'processed' ? { connectionId: s.connection.id } : {}),
            ...(s.kind === 'dead' ? { errorCode: s.code, reason: s.message } : {}),
          })),
        );
        const processed = settlements.filter((s): s is Processed => s.kind === 'processed' && settled.has(s.event.id));
        // One upsert per (entity, connection) of the batch; rows keep arrival order, so of two
        // events for one key the later wins unless it is older by vendor_updated_at.
        const groups = new Map<string, { settlement: Processed; rows: Array<Processed['rows'][number]> }>();
        for (const s of processed) {
          const key = `${s.entity}\u0000${s.event.connector}\u0000${s.connection.id}`;
          let group = groups.get(key);
          if (group === undefined) groups.set(key, (group = { settlement: s, rows: [] }));
          group.rows.push(...s.rows);
        }
        for (const { settlement, rows } of groups.values()) {
          await writer.write(tx, { entity: settlement.entity, connector: settlement.event.connector, connection: settlement.connection, rows });
        }
        const letters = processed.flatMap((s) =>
          s.failures.map((failure) => ({
            sourceKind: 'webhook' as const,
            connector: s.event.connector,
            connectionId: s.connection.id,
            payload: webhookRecordDeadLetter(s.event.id, s.eventType, failure.record),
            errorCode: failure.code,
            reason: failure.reason,
          })),
        );
        if (letters.length > 0) await insertDeadLetters(tx, letters);
        return settled;
      });
    },

    async retry(claimedBy, retries, maxAttempts) {
      const { dead } = await retryInboxEvents(
        db,
        claimedBy,
        retries.map((r) => ({ id: r.event.id, delayMs: r.delayMs, errorCode: r.code, reason: r.message })),
        maxAttempts,
      );
      return dead;
    },

    lookupVendorIds: (tenant, connector, kind, vendorIds) => lookupVendorIds(db, tenant, connector, kind, vendorIds),
  };
}
