import { consumeChanges } from '../changes/index.js';
import { insertOutboundEvents, takeLifecycleEvents, type Database, type Queryable } from '../store/index.js';
import type { Destination } from './compile.js';
import { changeEvent, lifecycleEvent, outboxRow, type OutboundEvent } from './events.js';

/** The change-feed consumer whose cursor the fan-out advances. */
export const OUTBOUND_CONSUMER = 'outbound';
/** Changes (or lifecycle events) fanned out per transaction. */
export const FAN_OUT_PAGE_SIZE = 500;

function queue(tx: Queryable, destinations: readonly Destination[], events: readonly OutboundEvent[], now: Date): Promise<number> {
  const rows = events.flatMap((event) => destinations.filter((d) => d.accepts(event.type)).map((d) => outboxRow(d.name, event)));
  return insertOutboundEvents(tx, rows, now);
}

/**
 * Queues one outbox row per (destination, change) for the next page of the change feed, in the
 * transaction that advances the `outbound` cursor: each change is queued exactly once, even when
 * the daemon dies in between or several daemons fan out at once. Idle destinations queue nothing
 * (they start from the changes after they come up). Resolves how many changes were read (0: caught up).
 */
export function fanOutChanges(db: Database, destinations: readonly Destination[], now: Date, limit = FAN_OUT_PAGE_SIZE): Promise<number> {
  return consumeChanges(db, OUTBOUND_CONSUMER, limit, async (changes, tx) => {
    await queue(tx, destinations, changes.map(changeEvent), now);
  });
}

/**
 * Queues the waiting lifecycle events for the destinations that want them, taking them off their
 * table in the same transaction. Resolves how many were taken (0: none waiting).
 */
export function fanOutLifecycle(db: Database, destinations: readonly Destination[], now: Date, limit = FAN_OUT_PAGE_SIZE): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await takeLifecycleEvents(tx, limit);
    await queue(tx, destinations, rows.map(lifecycleEvent), now);
    return rows.length;
  });
}
