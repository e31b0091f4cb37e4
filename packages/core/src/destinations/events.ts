import type { Change } from '../changes/index.js';
import type { LifecycleEventRow, NewOutboundEvent } from '../store/index.js';

/** An event before it is queued for the destinations that want it. */
export interface OutboundEvent {
  readonly type: string;
  /** Identifies the event among all (a change's position, a lifecycle row): part of its webhook-id. */
  readonly ref: string;
  readonly orderKey: string;
  readonly connector: string | null;
  readonly connection: string | null;
  /** The JSON body, `{ type, timestamp, data }`. */
  readonly body: string;
}

/**
 * A change as the app receives it: `<entity>.<operation>`, the time of the change, and its data.
 * Events of one row (entity, tenant, natural key) are delivered in order.
 */
export function changeEvent(change: Change): OutboundEvent {
  const type = `${change.entity}.${change.operation}`;
  const data = {
    position: change.position,
    entity: change.entity,
    key: change.key,
    tenant: change.tenant,
    connector: change.connector,
    connection: change.connection,
    operation: change.operation,
    before: change.before,
    after: change.after,
    source: change.source,
  };
  return {
    type,
    ref: `c${change.position}`,
    orderKey: JSON.stringify(['entity', change.entity, change.tenant, change.key]),
    connector: change.connector,
    connection: change.connection,
    body: JSON.stringify({ type, timestamp: new Date(change.at).toISOString(), data }),
  };
}

/** A lifecycle event (connection.needs_reauth, breaker.opened, sync.failed, …); events of one connection are delivered in order. */
export function lifecycleEvent(row: LifecycleEventRow): OutboundEvent {
  const data = { ...row.data, tenant: row.tenant, connector: row.connector, connection: row.connection };
  return {
    type: row.type,
    ref: `l${row.id}`,
    orderKey: JSON.stringify(['connection', row.connector, row.connection]),
    connector: row.connector,
    connection: row.connection,
    body: JSON.stringify({ type: row.type, timestamp: row.at.toISOString(), data }),
  };
}

/** The outbox row of an event for one destination: its webhook-id is stable, so a redelivery carries the same one. */
export function outboxRow(destination: string, event: OutboundEvent): NewOutboundEvent {
  return {
    eventId: `evt_${destination}_${event.ref}`,
    destination,
    type: event.type,
    orderKey: event.orderKey,
    connector: event.connector,
    connectionId: event.connection,
    body: event.body,
  };
}
