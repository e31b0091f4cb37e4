import type { Queryable } from '../database.js';
import { toJsonParam } from './json-param.js';

/** Where an outbound event is on its way to the app's endpoint. */
export type OutboundStatus = 'pending' | 'delivering' | 'delivered' | 'dead';

/** One event queued for one destination. */
export interface NewOutboundEvent {
  /** The `webhook-id`: stable per (destination, event), unique. */
  readonly eventId: string;
  readonly destination: string;
  readonly type: string;
  /** Events of one key are delivered in the order they were queued. */
  readonly orderKey: string;
  readonly connector: string | null;
  readonly connectionId: string | null;
  /** The exact JSON body, signed at every attempt. */
  readonly body: string;
}

/** A claimed event, being delivered under a lease. */
export interface OutboundEventRow extends NewOutboundEvent {
  readonly id: string;
  /** Attempts so far, this one included. */
  readonly attempts: number;
  readonly windowFrom: Date;
}

/** A lifecycle event waiting to be fanned out to the destinations. */
export interface LifecycleEventRow {
  readonly id: string;
  readonly type: string;
  readonly tenant: string | null;
  readonly connector: string | null;
  readonly connection: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

export interface NewLifecycleEvent {
  readonly type: string;
  readonly tenant?: string | null | undefined;
  readonly connector?: string | null | undefined;
  readonly connection?: string | null | undefined;
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

/** What a claim takes: due events of these destinations, at most `limit`, leased until `now + leaseMs`. */
export interface OutboundClaim {
  readonly destinations: readonly string[];
  readonly now: Date;
  readonly leaseMs: number;
  readonly limit: number;
}

/** Open outbound events of one destination by status, for status. */
export interface OutboundCount {
  readonly destination: string;
  readonly status: OutboundStatus;
  readonly count: number;
}

/**
 * Queues events in one statement, in the caller's transaction (the one that consumes what they
 * carry). An event id queued before is skipped, so fanning out twice queues nothing twice.
 * Resolves how many were queued.
 */
export async function insertOutboundEvents(tx: Queryable, rows: readonly NewOutboundEvent[], now: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const records = rows.map((r, n) => ({ n, e: r.eventId, d: r.destination, t: r.type, k: r.orderKey, c: r.connector, cn: r.connectionId, b: r.body }));
  const { rowCount } = await tx.query(
    `insert into connectd_engine.outbound_events (event_id, destination, type, order_key, connector, connection_id, body, created_at, window_from, next_attempt_at)
     select r.e, r.d, r.t, r.k, r.c, r.cn, r.b, $2, $2, $2
     from jsonb_to_recordset($1::jsonb) as r(n int, e text, d text, t text, k text, c text, cn text, b text)
     order by n
     on conflict (event_id) do nothing`,
    [toJsonParam(records), now],
  );
  return rowCount;
}

/** Records a lifecycle event for the fan-out (the daemon's breaker changes; the triggers of 0011 write the others). */
export async function insertLifecycleEvent(db: Queryable, event: NewLifecycleEvent): Promise<void> {
  await db.query(
    `insert into connectd_engine.lifecycle_events (type, tenant_id, connector, connection_id, data) values ($1, $2, $3, $4, $5::jsonb)`,
    [event.type, event.tenant ?? null, event.connector ?? null, event.connection ?? null, toJsonParam(event.data ?? {})],
  );
}

/**
 * Takes the oldest lifecycle events off their table, in the caller's transaction: they are gone
 * once it commits with what was queued for them, and back if it rolls back. Rows another daemon is
 * taking are skipped. Oldest first.
 */
export async function takeLifecycleEvents(tx: Queryable, limit: number): Promise<LifecycleEventRow[]> {
  const { rows } = await tx.query<{ id: string; type: string; tenant_id: string | null; connector: string | null; connection_id: string | null; data: Record<string, unknown>; created_at: Date }>(
    `delete from connectd_engine.lifecycle_events where id in (
       select id from connectd_engine.lifecycle_events order by id limit $1 for update skip locked)
     returning id, type, tenant_id, connector, connection_id, data, created_at`,
    [limit],
  );
  return rows
    .map((r) => ({ id: String(r.id), type: r.type, tenant: r.tenant_id, connector: r.connector, connection: r.connection_id, data: r.data, at: r.created_at }))
    .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

/**
 * Claims due events of the given destinations: pending ones whose time has come, and those whose
 * delivery lease ran out (a daemon died delivering them). An event is claimed only when no earlier
 * event of its key (same destination and order key) is still pending or being delivered, so a key's
 * events go out one at a time, in order, while other keys proceed. Oldest first.
 */
export async function claimOutboundEvents(db: Queryable, claim: OutboundClaim): Promise<OutboundEventRow[]> {
  if (claim.destinations.length === 0 || claim.limit <= 0) return [];
  const { rows } = await db.query<Record<string, unknown>>(
    `with due as (
       select o.id from connectd_engine.outbound_events o
       where o.destination = any($1::text[])
         and ((o.status = 'pending' and o.next_attempt_at <= $2) or (o.status = 'delivering' and o.lease_until <= $2))
         -- The key's oldest open event: a correlated sub-select, so it is one probe of
         -- outbound_events_key_idx per candidate whatever the planner's statistics say (an anti
         -- join planned on a fresh table's empty statistics scanned the table per candidate).
         and o.id = (
           select p.id from connectd_engine.outbound_events p
           where p.destination = o.destination and p.order_key = o.order_key and p.status in ('pending', 'delivering')
           order by p.destination, p.order_key, p.id limit 1)
       order by o.id limit $4 for update skip locked)
     update connectd_engine.outbound_events o set status = 'delivering', attempts = o.attempts + 1,
       lease_until = $2::timestamptz + ($3::text || ' milliseconds')::interval
     from due where o.id = due.id
     returning o.id, o.event_id, o.destination, o.type, o.order_key, o.connector, o.connection_id, o.body, o.attempts, o.window_from`,
    [[...claim.destinations], claim.now, String(claim.leaseMs), claim.limit],
  );
  return rows
    .map((r) => ({
      id: String(r['id']),
      eventId: r['event_id'] as string,
      destination: r['destination'] as string,
      type: r['type'] as string,
      orderKey: r['order_key'] as string,
      connector: r['connector'] as string | null,
      connectionId: r['connection_id'] as string | null,
      body: r['body'] as string,
      attempts: Number(r['attempts']),
      windowFrom: r['window_from'] as Date,
    }))
    .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

/** Marks claimed events delivered, in one statement (a claim's deliveries end together). */
export async function markOutboundDelivered(db: Queryable, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `update connectd_engine.outbound_events set status = 'delivered', delivered_at = $2, lease_until = null, last_error = null
     where id = any($1::bigint[]) and status = 'delivering'`,
    [[...ids], now],
  );
}

/** A failed attempt: the event waits until `nextAttemptAt`, its earlier events still ahead of it. */
export async function retryOutboundEvent(db: Queryable, id: string, nextAttemptAt: Date, error: string): Promise<void> {
  await db.query(
    `update connectd_engine.outbound_events set status = 'pending', next_attempt_at = $2, lease_until = null, last_error = $3
     where id = $1 and status = 'delivering'`,
    [id, nextAttemptAt, error],
  );
}

/** Gives a claimed event back without counting the attempt (its breaker opened, its destination went away). */
export async function releaseOutboundEvent(db: Queryable, id: string, now: Date): Promise<void> {
  await db.query(
    `update connectd_engine.outbound_events set status = 'pending', attempts = greatest(attempts - 1, 0), next_attempt_at = $2, lease_until = null
     where id = $1 and status = 'delivering'`,
    [id, now],
  );
}

/** Ends a claimed event as dead (its retry window is over); write its dead letter in the same transaction. True when it was still being delivered. */
export async function killOutboundEvent(tx: Queryable, id: string, error: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update connectd_engine.outbound_events set status = 'dead', lease_until = null, last_error = $2 where id = $1 and status = 'delivering'`,
    [id, error],
  );
  return rowCount > 0;
}

/**
 * Puts a dead event back in the queue from its dead letter: pending, attempts from zero, a new
 * retry window from `now`; same id and body. 'requeued' when it was dead, 'pending' when it is
 * already waiting or being delivered, 'done' when delivered since, 'missing' when it is gone.
 */
export async function requeueOutboundEvent(tx: Queryable, id: string, now: Date): Promise<'requeued' | 'pending' | 'done' | 'missing'> {
  const { rows } = await tx.query<{ before: string }>(
    `with old as (select id, status from connectd_engine.outbound_events where id = $1 for update)
     update connectd_engine.outbound_events o set
       status = case when old.status = 'dead' then 'pending' else o.status end,
       attempts = case when old.status = 'dead' then 0 else o.attempts end,
       window_from = case when old.status = 'dead' then $2 else o.window_from end,
       next_attempt_at = case when old.status = 'dead' then $2 else o.next_attempt_at end
     from old where o.id = old.id
     returning old.status as before`,
    [id, now],
  );
  const before = rows[0]?.before;
  if (before === undefined) return 'missing';
  if (before === 'dead') return 'requeued';
  return before === 'delivered' ? 'done' : 'pending';
}

/** Records that a destination's endpoint is gone (410) for the URL it has now. */
export async function disableOutboundDestination(db: Queryable, name: string, url: string, reason: string): Promise<void> {
  await db.query(
    `insert into connectd_engine.outbound_destinations (name, disabled_url, disabled_reason) values ($1, $2, $3)
     on conflict (name) do update set disabled_url = excluded.disabled_url, disabled_reason = excluded.disabled_reason, disabled_at = now()`,
    [name, url, reason],
  );
}

/** The destinations disabled by a 410, with the URL that answered it and why. */
export async function listDisabledDestinations(db: Queryable): Promise<Array<{ name: string; url: string; reason: string; at: Date }>> {
  const { rows } = await db.query<{ name: string; disabled_url: string; disabled_reason: string; disabled_at: Date }>(
    `select name, disabled_url, disabled_reason, disabled_at from connectd_engine.outbound_destinations order by name`,
  );
  return rows.map((r) => ({ name: r.name, url: r.disabled_url, reason: r.disabled_reason, at: r.disabled_at }));
}

/** Events not yet delivered, per destination and status. */
export async function countOutboundEvents(db: Queryable): Promise<OutboundCount[]> {
  const { rows } = await db.query<{ destination: string; status: OutboundStatus; n: string }>(
    `select destination, status, count(*) as n from connectd_engine.outbound_events
     where status <> 'delivered' group by destination, status order by destination, status`,
  );
  return rows.map((r) => ({ destination: r.destination, status: r.status, count: Number(r.n) }));
}
