import { insertLifecycleEvent, type NewLifecycleEvent, type Queryable } from '../store/index.js';

/** The lifecycle event types connectd sends (besides `<entity>.<operation>` changes). */
export type LifecycleEventType = 'connection.created' | 'connection.needs_reauth' | 'connection.disabled' | 'breaker.opened' | 'breaker.closed' | 'sync.failed';

/**
 * Records a lifecycle event for the destinations; the outbound worker fans it out. Connection and
 * sync events are recorded by the store itself, in the transaction that changes the connection or
 * fails the run (migration 0011's triggers); the daemon calls this for what only it sees (a
 * connection's breaker opening and closing).
 * @example
 * await emitLifecycleEvent(db, { type: 'breaker.opened', connector: 'storq', connection: 'storq-acme' });
 */
export function emitLifecycleEvent(db: Queryable, event: NewLifecycleEvent & { readonly type: LifecycleEventType }): Promise<void> {
  return insertLifecycleEvent(db, event);
}
