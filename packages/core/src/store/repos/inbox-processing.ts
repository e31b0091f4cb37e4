import { WEBHOOK_PROCESSING_ATTEMPTS_EXHAUSTED } from '../../errors/index.js';
import type { Database, Queryable } from '../database.js';
import { toJsonParam } from './json-param.js';

/** One webhook delivery claimed from the inbox for processing. */
export interface ClaimedInboxRow {
  readonly id: string;
  readonly connector: string;
  readonly connectionId: string | null;
  readonly routingKey: string | null;
  readonly dedupeKey: string;
  readonly eventType: string | null;
  /** The headers the intake kept, lower-cased names with string values. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  readonly receivedAt: Date;
  /** Attempts so far, this claim included. */
  readonly attempts: number;
}

/** What {@link claimInboxEvents} takes. */
export interface InboxClaimRequest {
  /** Most rows to claim. */
  readonly limit: number;
  /** How long the claim holds; after it, any processor may claim the rows again. */
  readonly leaseMs: number;
  /** The claim token: settling checks it, so a processor whose lease passed cannot apply its rows. */
  readonly claimedBy: string;
  /** A row abandoned mid-processing on its last attempt becomes dead instead of being claimed. */
  readonly maxAttempts: number;
}

/** How one claimed row ends. */
export interface InboxSettlement {
  readonly id: string;
  readonly status: 'processed' | 'ignored' | 'dead';
  readonly connectionId?: string | null;
  readonly eventType?: string | null;
  readonly routingKey?: string | null;
  /** For `dead`: the code and reason of the dead letter written for the event (also kept as last_error). */
  readonly errorCode?: string;
  readonly reason?: string;
}

/** A claimed row whose processing failed as a whole (not one of its records). */
export interface InboxRetry {
  readonly id: string;
  /** When the next attempt is due, from now. */
  readonly delayMs: number;
  readonly errorCode: string;
  readonly reason: string;
}

const COLUMNS = `w.id, w.connector, w.connection_id, w.routing_key, w.dedupe_key, w.event_type, w.headers, w.raw_body, w.received_at, w.attempts`;

/**
 * The payload of an event-level webhook dead letter, built in SQL from the inbox row. Replay reads
 * `inbox_id` to put the row back in the queue; keep the keys in step with webhooks/process.
 */
const EVENT_DEAD_LETTER_PAYLOAD = `jsonb_build_object('kind', 'event', 'inbox_id', w.id::text, 'event_type', w.event_type, 'dedupe_key', w.dedupe_key)`;

/** The stored headers; the intake only stores strings, anything else is left out. */
function stringHeaders(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function toRow(row: Record<string, unknown>): ClaimedInboxRow {
  return {
    id: String(row['id']),
    connector: row['connector'] as string,
    connectionId: (row['connection_id'] as string | null) ?? null,
    routingKey: (row['routing_key'] as string | null) ?? null,
    dedupeKey: row['dedupe_key'] as string,
    eventType: (row['event_type'] as string | null) ?? null,
    headers: stringHeaders(row['headers']),
    rawBody: row['raw_body'] as Buffer,
    receivedAt: row['received_at'] as Date,
    attempts: Number(row['attempts']),
  };
}

/**
 * Claims due inbox rows with `FOR UPDATE SKIP LOCKED`: first rows a dead processor left
 * `processing` past their lease, then `received`/`failed` rows whose next attempt is due. Claimed
 * rows become `processing` with a lease and the caller's token, and their attempt is counted now,
 * so an event that kills the daemon every time still runs out of attempts. Rows abandoned on their
 * last attempt are made dead, with a dead letter, on the way. Rows come back in arrival order.
 * @example
 * const { events } = await claimInboxEvents(store.db, { limit: 100, leaseMs: 60_000, claimedBy: 'host:1:ab12', maxAttempts: 8 });
 */
export async function claimInboxEvents(
  db: Database,
  request: InboxClaimRequest,
): Promise<{ events: ClaimedInboxRow[]; exhausted: Array<{ id: string; connector: string }> }> {
  return db.transaction(async (tx) => {
    const exhausted = await reapAbandoned(tx, request.maxAttempts);
    const set = `status = 'processing', attempts = w.attempts + 1, claimed_by = $3,
      lease_until = now() + $2::int * interval '1 millisecond'`;
    const candidates = [
      `status = 'processing' and lease_until < now() order by lease_until`,
      `status in ('received', 'failed') and next_attempt_at <= now() order by next_attempt_at, id`,
    ];
    const events: ClaimedInboxRow[] = [];
    for (const due of candidates) {
      const limit = request.limit - events.length;
      if (limit <= 0) break;
      const { rows } = await tx.query(
        `with candidate as (
           select id from connectd_engine.webhook_inbox where ${due} limit $1 for update skip locked)
         update connectd_engine.webhook_inbox w set ${set} from candidate where w.id = candidate.id
         returning ${COLUMNS}`,
        [limit, Math.ceil(request.leaseMs), request.claimedBy],
      );
      events.push(...rows.map(toRow));
    }
    // bigint ids as strings: compare by length first, then text, to sort them numerically.
    events.sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { events, exhausted };
  });
}

/** `processing` rows past their lease with no attempt left: dead, with a dead letter each. */
async function reapAbandoned(tx: Queryable, maxAttempts: number): Promise<Array<{ id: string; connector: string }>> {
  const { rows } = await tx.query<{ id: string; connector: string; attempts: number; last_error: string | null }>(
    `with gone as (
       select id from connectd_engine.webhook_inbox
       where status = 'processing' and lease_until < now() and attempts >= $1 for update skip locked)
     update connectd_engine.webhook_inbox w set status = 'dead', lease_until = null, claimed_by = null
     from gone where w.id = gone.id
     returning w.id, w.connector, w.attempts, w.last_error`,
    [maxAttempts],
  );
  if (rows.length === 0) return [];
  const letters = rows.map((row) => {
    const error = WEBHOOK_PROCESSING_ATTEMPTS_EXHAUSTED({
      connector: row.connector,
      inboxId: String(row.id),
      attempts: row.attempts,
      lastError: row.last_error ?? 'the processor stopped while processing it (crash or kill)',
    });
    return { id: String(row.id), e: error.code, m: error.message };
  });
  await markDeadAndLetter(tx, letters);
  return rows.map((row) => ({ id: String(row.id), connector: row.connector }));
}

async function markDeadAndLetter(tx: Queryable, letters: ReadonlyArray<{ id: string; e: string; m: string }>): Promise<void> {
  await tx.query(
    `with r as (select * from jsonb_to_recordset($1::jsonb) as r(id bigint, e text, m text))
     update connectd_engine.webhook_inbox w set last_error = r.e || ': ' || r.m from r where w.id = r.id`,
    [toJsonParam(letters)],
  );
  await tx.query(
    `insert into connectd_engine.dead_letters (source_kind, connector, connection_id, payload, raw, error_code, reason)
     select 'webhook', w.connector, w.connection_id, ${EVENT_DEAD_LETTER_PAYLOAD}, w.raw_body, r.e, r.m
     from jsonb_to_recordset($1::jsonb) as r(id bigint, e text, m text)
     join connectd_engine.webhook_inbox w on w.id = r.id`,
    [toJsonParam(letters)],
  );
}

/**
 * Ends claimed rows: processed, ignored (no mapping for the event type) or dead (with a dead
 * letter each). Only rows still claimed with `claimedBy` change; the others were taken over after
 * the lease passed, and the caller must not apply them. Call it in the transaction that writes the
 * events' entities, first, so its row locks order concurrent settlements. Resolves with the ids
 * that were still ours.
 * @example
 * const ours = await db.transaction(async (tx) => {
 *   const settled = await settleInboxEvents(tx, token, [{ id: '7', status: 'processed', connectionId: 'storq' }]);
 *   if (settled.has('7')) await upsert.upsert(tx, rows);
 *   return settled;
 * });
 */
export async function settleInboxEvents(tx: Queryable, claimedBy: string, settlements: readonly InboxSettlement[]): Promise<Set<string>> {
  if (settlements.length === 0) return new Set();
  const records = settlements.map((s) => ({
    id: s.id,
    s: s.status,
    cn: s.connectionId ?? null,
    et: s.eventType ?? null,
    rk: s.routingKey ?? null,
    e: s.errorCode ?? null,
    m: s.reason ?? null,
  }));
  const { rows } = await tx.query<{ id: string }>(
    `with r as (select * from jsonb_to_recordset($2::jsonb) as r(id bigint, s text, cn text, et text, rk text, e text, m text))
     update connectd_engine.webhook_inbox w set status = r.s,
       connection_id = coalesce(r.cn, w.connection_id), event_type = coalesce(r.et, w.event_type),
       routing_key = coalesce(r.rk, w.routing_key),
       processed_at = case when r.s = 'dead' then null else now() end,
       last_error = case when r.e is null then null else r.e || ': ' || r.m end,
       lease_until = null, claimed_by = null
     from r where w.id = r.id and w.claimed_by = $1 and w.status = 'processing'
     returning w.id`,
    [claimedBy, toJsonParam(records)],
  );
  const settled = new Set(rows.map((row) => String(row.id)));
  const dead = settlements
    .filter((s) => s.status === 'dead' && settled.has(s.id))
    .map((s) => ({ id: s.id, e: s.errorCode ?? 'CONNECTD_ERR_INTERNAL', m: s.reason ?? 'dead' }));
  if (dead.length > 0) await markDeadAndLetter(tx, dead);
  return settled;
}

/**
 * Records whole-event failures: each row is `failed` with its next attempt after `delayMs`, or
 * dead with a dead letter when it has used `maxAttempts`. Rows no longer claimed with
 * `claimedBy` are left alone. Resolves with the ids that became dead.
 * @example
 * await retryInboxEvents(store.db, token, [{ id: '7', delayMs: 2_000, errorCode: err.code, reason: err.message }], 8);
 */
export async function retryInboxEvents(
  db: Database,
  claimedBy: string,
  retries: readonly InboxRetry[],
  maxAttempts: number,
): Promise<{ dead: string[]; retrying: string[] }> {
  if (retries.length === 0) return { dead: [], retrying: [] };
  return db.transaction(async (tx) => {
    const records = retries.map((r) => ({ id: r.id, d: Math.max(0, Math.ceil(r.delayMs)), e: `${r.errorCode}: ${r.reason}` }));
    const { rows } = await tx.query<{ id: string; status: string; connector: string; attempts: number }>(
      `with r as (select * from jsonb_to_recordset($2::jsonb) as r(id bigint, d int, e text))
       update connectd_engine.webhook_inbox w set
         status = case when w.attempts >= $3 then 'dead' else 'failed' end,
         next_attempt_at = case when w.attempts >= $3 then w.next_attempt_at else now() + r.d * interval '1 millisecond' end,
         last_error = r.e, lease_until = null, claimed_by = null
       from r where w.id = r.id and w.claimed_by = $1 and w.status = 'processing'
       returning w.id, w.status, w.connector, w.attempts`,
      [claimedBy, toJsonParam(records), maxAttempts],
    );
    const byId = new Map(retries.map((r) => [r.id, r]));
    const dead = rows.filter((row) => row.status === 'dead');
    if (dead.length > 0) {
      await markDeadAndLetter(
        tx,
        dead.map((row) => {
          const last = byId.get(String(row.id));
          const error = WEBHOOK_PROCESSING_ATTEMPTS_EXHAUSTED({
            connector: row.connector,
            inboxId: String(row.id),
            attempts: row.attempts,
            lastError: last === undefined ? 'unknown' : `${last.errorCode}: ${last.reason}`,
          });
          return { id: String(row.id), e: error.code, m: error.message };
        }),
      );
    }
    return {
      dead: dead.map((row) => String(row.id)),
      retrying: rows.filter((row) => row.status !== 'dead').map((row) => String(row.id)),
    };
  });
}

/** A connection as webhook routing and replay see it. */
export interface RoutableConnection {
  readonly id: string;
  readonly connector: string;
  readonly tenantId: string;
  readonly vendorAccountId: string | null;
  readonly status: string;
  readonly config: Readonly<Record<string, unknown>>;
}

const CONNECTION_COLUMNS = `id, connector, tenant_id, vendor_account_id, status, config`;

function toConnection(row: Record<string, unknown>): RoutableConnection {
  return {
    id: row['id'] as string,
    connector: row['connector'] as string,
    tenantId: row['tenant_id'] as string,
    vendorAccountId: (row['vendor_account_id'] as string | null) ?? null,
    status: row['status'] as string,
    config: (row['config'] as Record<string, unknown> | null) ?? {},
  };
}

/**
 * Connections of a connector, not disabled; with `vendorAccountId`, only those of that vendor
 * account (a shop domain, a merchant id): how a webhook finds its connection. Oldest first.
 * @example
 * const [connection] = await findRoutableConnections(store.db, 'shopify', 'acme.myshopify.com');
 */
export async function findRoutableConnections(db: Queryable, connector: string, vendorAccountId?: string): Promise<RoutableConnection[]> {
  const { rows } = await db.query(
    `select ${CONNECTION_COLUMNS} from connectd_engine.connections
     where connector = $1 and status <> 'disabled' and ($2::text is null or vendor_account_id = $2)
     order by created_at, id`,
    [connector, vendorAccountId ?? null],
  );
  return rows.map(toConnection);
}

/** One connection by id, whatever its status; undefined when there is none. */
export async function getRoutableConnection(db: Queryable, id: string): Promise<RoutableConnection | undefined> {
  const { rows } = await db.query(`select ${CONNECTION_COLUMNS} from connectd_engine.connections where id = $1`, [id]);
  return rows[0] === undefined ? undefined : toConnection(rows[0]);
}
