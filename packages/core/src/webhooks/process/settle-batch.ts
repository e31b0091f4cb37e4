import { isConnectdError, WEBHOOK_PROCESSING_FAILED, type ConnectdError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import type { EventSettlement, InboxEvent, SettleOutcome, WebhookEventStore } from './types.js';

/**
 * Settles a batch in one transaction. When that fails, the events are settled one by one, so one
 * event the store rejects (a value a custom table cannot hold) fails alone instead of taking its
 * batch with it through every retry; an event that fails alone is handed to `onFailure` to retry.
 * Resolves with the ids that were settled and the rows each erasure deleted.
 */
export async function settleBatch(
  store: WebhookEventStore,
  claimedBy: string,
  settlements: readonly EventSettlement[],
  onFailure: (event: InboxEvent, error: ConnectdError) => void,
  log: Logger,
): Promise<SettleOutcome> {
  const none: SettleOutcome = { settled: new Set(), erasedRows: new Map() };
  if (settlements.length === 0) return none;
  try {
    return await store.settle(claimedBy, settlements);
  } catch (err) {
    if (settlements.length === 1) {
      onFailure(settlements[0]!.event, coded(settlements[0]!.event, err));
      return none;
    }
    log.warn({ err, events: settlements.length }, 'settling a webhook batch failed; settling its events one by one');
  }
  const settled = new Set<string>();
  const erasedRows = new Map<string, number>();
  for (const settlement of settlements) {
    try {
      const outcome = await store.settle(claimedBy, [settlement]);
      for (const id of outcome.settled) settled.add(id);
      for (const [id, rows] of outcome.erasedRows) erasedRows.set(id, rows);
    } catch (err) {
      onFailure(settlement.event, coded(settlement.event, err));
    }
  }
  return { settled, erasedRows };
}

function coded(event: InboxEvent, err: unknown): ConnectdError {
  if (isConnectdError(err)) return err;
  return WEBHOOK_PROCESSING_FAILED({ connector: event.connector, inboxId: event.id, reason: err instanceof Error ? err.message : String(err) }, { cause: err });
}
