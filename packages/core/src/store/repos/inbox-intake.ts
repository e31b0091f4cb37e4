import type { Queryable } from '../database.js';
import { insertDeadLetters } from './dead-letters.js';
import { toJsonParam } from './json-param.js';

/** A verified webhook delivery as the intake writes it to `connectd_engine.webhook_inbox`. */
export interface NewInboxRow {
  readonly connector: string;
  /** What finds the connection (a shop domain, a merchant id); null when the connector declares no route. */
  readonly routingKey: string | null;
  /** Unique per connector; a second delivery with the same key is a duplicate. */
  readonly dedupeKey: string;
  readonly eventType: string | null;
  /** Only the headers processing needs; never auth, cookie or signature headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body byte for byte. */
  readonly rawBody: Buffer;
  /** `ignored` for event types the connector does not map (acknowledged, never processed); default `received`. */
  readonly status?: 'received' | 'ignored';
}

/** Per row, in input order: the new row's id, or `duplicate` when (connector, dedupe key) was already stored. */
export type InboxInsertOutcome = { readonly duplicate: false; readonly id: string } | { readonly duplicate: true };

/** A verified body that is not JSON, kept as a dead letter (source `webhook`) for inspection. */
export interface UnparsableWebhook {
  readonly connector: string;
  readonly rawBody: Buffer;
  readonly errorCode: string;
  readonly reason: string;
}

const DUPLICATE: InboxInsertOutcome = { duplicate: true };

/**
 * Inserts inbox rows in ONE statement (group commit: the intake batches concurrent deliveries
 * into a single round trip and a single commit). The statement commits on its own, so every row
 * that comes back with an id is durable when this resolves. Rows whose (connector, dedupe key)
 * exists already, or repeats an earlier row of the same call, come back as duplicates.
 * @example
 * const [outcome] = await insertInboxRows(db, [{ connector: 'storq', routingKey: null, dedupeKey: 'evt_1',
 *   eventType: 'stock.updated', headers: { 'content-type': 'application/json' }, rawBody }]);
 * if (!outcome.duplicate) console.log('stored as', outcome.id);
 */
export async function insertInboxRows(db: Queryable, rows: readonly NewInboxRow[]): Promise<InboxInsertOutcome[]> {
  if (rows.length === 0) return [];
  // ON CONFLICT DO NOTHING skips a key repeated within one statement too, but RETURNING would then
  // not say which of the repeats was stored; the first one of a call wins, the others are duplicates.
  const firstOf = new Map<string, number>();
  const unique: NewInboxRow[] = [];
  rows.forEach((row, i) => {
    const key = keyOf(row.connector, row.dedupeKey);
    if (!firstOf.has(key)) {
      firstOf.set(key, i);
      unique.push(row);
    }
  });
  // Text arrays (bodies as hex) travel the same way through node-postgres and PGlite.
  const { rows: stored } = await db.query<{ id: string; connector: string; dedupe_key: string }>(
    `insert into connectd_engine.webhook_inbox (connector, routing_key, dedupe_key, event_type, headers, raw_body, status, processed_at)
     select t.c, t.r, t.d, t.e, t.h::jsonb, decode(t.b, 'hex'), t.s, case when t.s = 'ignored' then now() end
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) as t(c, r, d, e, h, b, s)
     on conflict (connector, dedupe_key) do nothing
     returning id, connector, dedupe_key`,
    [
      unique.map((r) => r.connector),
      unique.map((r) => r.routingKey),
      unique.map((r) => r.dedupeKey),
      unique.map((r) => r.eventType),
      unique.map((r) => toJsonParam(r.headers)),
      unique.map((r) => r.rawBody.toString('hex')),
      unique.map((r) => r.status ?? 'received'),
    ],
  );
  const ids = new Map(stored.map((s) => [keyOf(s.connector, s.dedupe_key), String(s.id)]));
  return rows.map((row, i) => {
    const key = keyOf(row.connector, row.dedupeKey);
    const id = ids.get(key);
    return id !== undefined && firstOf.get(key) === i ? { duplicate: false, id } : DUPLICATE;
  });
}

const keyOf = (connector: string, dedupeKey: string): string => `${connector}\u0000${dedupeKey}`;

/**
 * Keeps a verified but unparsable webhook body as a dead letter (raw bytes, no JSON payload).
 * @example
 * await keepUnparsableWebhook(db, { connector: 'storq', rawBody, errorCode: err.code, reason: err.message });
 */
export async function keepUnparsableWebhook(db: Queryable, letter: UnparsableWebhook): Promise<void> {
  await insertDeadLetters(db, [
    { sourceKind: 'webhook', connector: letter.connector, raw: letter.rawBody, errorCode: letter.errorCode, reason: letter.reason },
  ]);
}
