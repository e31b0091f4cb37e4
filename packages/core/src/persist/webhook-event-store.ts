import { SYNC_JOB_KIND } from '../jobs/index.js';
import {
  claimInboxEvents,
  deleteConnectionVendorData,
  deleteCredentials,
  enqueueUnlessQueued,
  insertDeadLetters,
  lookupVendorIds,
  retryInboxEvents,
  setConnectionStatus,
  settleInboxEvents,
  type ChangeSource,
  type Database,
  type Queryable,
} from '../store/index.js';
import { webhookRecordDeadLetter, type EventSettlement, type WebhookEventStore } from '../webhooks/index.js';
import type { EntityWriter } from './entity-writer.js';

type Processed = Extract<EventSettlement, { kind: 'processed' }>;

/** What an event asks of its connection, in the transaction that settles it; resolves the rows an erasure deleted. */
async function applyEffect(tx: Queryable, writer: EntityWriter, settlement: Processed): Promise<number> {
  const { effect, connection, event } = settlement;
  switch (effect?.kind) {
    case undefined:
    case 'record':
      return 0;
    case 'mark_connection':
      await setConnectionStatus(tx, connection.id, effect.status, effect.reason);
      // An uninstalled app's tokens are void: nothing should try them again.
      if (effect.status === 'disabled') await deleteCredentials(tx, connection.id);
      return 0;
    case 'erase_connection_data': {
      // The rows, and the raw deliveries and dead letters that hold the same vendor data.
      const rows = await writer.eraseConnection(tx, connection.id, { kind: 'webhook', event_id: event.id });
      const kept = await deleteConnectionVendorData(tx, connection.id, event.id);
      return rows + kept.inbox + kept.deadLetters;
    }
    case 'run_stream':
      // Joins a run of the stream that is still queued: a burst of events asks for one run, not one each.
      await enqueueUnlessQueued(tx, {
        kind: SYNC_JOB_KIND,
        connectionId: connection.id,
        stream: effect.stream,
        payload: { connector: event.connector, stream: effect.stream, mode: 'incremental' },
      });
      return 0;
  }
}

/**
 * The inbox processor's storage over the store's repositories: claims, the settlement of a batch
 * in one transaction (inbox rows first, then dead letters, entities through the one write path, then
 * the events' effects), retries and vendor-id lookups.
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
        // One write per connection of the batch (the writer upserts once per entity); rows keep
        // arrival order, so of two events for one key the later wins unless it is older by vendor_updated_at.
        const groups = new Map<string, { settlement: Processed; rows: Array<Processed['rows'][number]>; sources: ChangeSource[] }>();
        for (const s of processed) {
          const key = `${s.event.connector}\u0000${s.connection.id}`;
          let group = groups.get(key);
          if (group === undefined) groups.set(key, (group = { settlement: s, rows: [], sources: [] }));
          group.rows.push(...s.rows);
          const source: ChangeSource = { kind: 'webhook', event_id: s.event.id };
          for (let i = 0; i < s.rows.length; i++) group.sources.push(source);
        }
        // Dead letters first: the rows' statement takes the change feed's counter, whose lock is
        // held until commit.
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
        for (const { settlement, rows, sources } of groups.values()) {
          await writer.write(tx, { connector: settlement.event.connector, connection: settlement.connection, rows, source: { kind: 'webhook' }, rowSources: sources });
        }
        const erasedRows = new Map<string, number>();
        for (const s of processed) {
          const erased = await applyEffect(tx, writer, s);
          if (s.effect?.kind === 'erase_connection_data') erasedRows.set(s.event.id, erased);
        }
        return { settled, erasedRows };
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
