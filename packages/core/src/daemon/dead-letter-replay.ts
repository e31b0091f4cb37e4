import type { ConnectionInfo } from '../connector/index.js';
import {
  isConnectdError,
  REPLAY_INVALID_REQUEST,
  REPLAY_NO_SELECTION,
  REPLAY_NOT_REPLAYABLE,
  STORE_CLOSED,
  STORE_UNREACHABLE,
  type ConnectdError,
} from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { mapRecords, type EntityCatalog } from '../mapping/index.js';
import {
  claimDeadLetterReplay,
  insertDeadLetters,
  lastDeadLetterId,
  listReplayCandidates,
  lookupVendorIds,
  requeueInboxEvent,
  requeueJob,
  type Database,
  type DeadLetter,
  type NewDeadLetter,
  type Queryable,
} from '../store/index.js';
import type { CompiledStream } from '../sync/index.js';
import { cachedLookups, readWebhookDeadLetter, webhookRecordDeadLetter, type CompiledWebhooks } from '../webhooks/index.js';
import type { EntityWriter } from './entity-writer.js';
import type { WebhookConnectionDirectory } from './webhook-store.js';

/** Which dead letters to replay: by id, by connector, or all; ids and connector combine. */
export interface ReplaySelection {
  readonly connector?: string | undefined;
  readonly ids?: readonly string[] | undefined;
  readonly all?: boolean | undefined;
}

/** Replayed letters by what they were. */
export interface ReplayCounts {
  /** Webhook events put back in the inbox queue. */
  webhook_event: number;
  /** Webhook records mapped again with the current mapping and written. */
  webhook_record: number;
  /** Sync records mapped again with the stream's current mapping and written. */
  sync_record: number;
  /** Dead jobs enqueued again. */
  job: number;
}

/** What a replay did. */
export interface ReplaySummary {
  readonly replayed: number;
  readonly byKind: ReplayCounts;
  /** Replayed records that failed again: each has a new dead letter. */
  readonly failedAgain: number;
  /** Letters left open because they cannot be replayed now, with why. */
  readonly skipped: ReadonlyArray<{ readonly id: string; readonly code: string; readonly reason: string }>;
  /** Requested ids that are not open dead letters (unknown, or replayed before). */
  readonly notOpen: readonly string[];
}

/** Dead letters read per page while replaying. */
export const REPLAY_PAGE_SIZE = 100;

const ID = /^[1-9][0-9]{0,18}$/;

/** Store failures that end a replay instead of skipping one letter. */
const STORE_DOWN: ReadonlySet<string> = new Set([STORE_UNREACHABLE.code, STORE_CLOSED.code]);

/**
 * Checks a replay request (CLI options or the API's JSON body). Throws CONNECTD_ERR_REPLAY_NO_SELECTION
 * when it names nothing and CONNECTD_ERR_REPLAY_INVALID_REQUEST for a malformed field (both exit 2 / 400).
 * @example
 * parseReplaySelection({ ids: ['12', 13] }); // { ids: ['12', '13'] }
 */
export function parseReplaySelection(input: unknown): ReplaySelection {
  if (input === undefined || input === null) throw REPLAY_NO_SELECTION({});
  if (typeof input !== 'object' || Array.isArray(input)) throw REPLAY_INVALID_REQUEST({ reason: 'expected a JSON object' });
  const body = input as Record<string, unknown>;
  const unknown = Object.keys(body).filter((k) => !['connector', 'ids', 'all'].includes(k));
  if (unknown.length > 0) throw REPLAY_INVALID_REQUEST({ reason: `unknown field ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}` });
  const { connector, ids, all } = body;
  if (connector !== undefined && (typeof connector !== 'string' || connector === '')) throw REPLAY_INVALID_REQUEST({ reason: 'connector must be a non-empty string' });
  if (all !== undefined && typeof all !== 'boolean') throw REPLAY_INVALID_REQUEST({ reason: 'all must be true or false' });
  let checked: string[] | undefined;
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.length === 0) throw REPLAY_INVALID_REQUEST({ reason: 'ids must be a non-empty list' });
    checked = ids.map((id) => (typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id)) as string[];
    if (!checked.every((id) => typeof id === 'string' && ID.test(id))) throw REPLAY_INVALID_REQUEST({ reason: 'ids must be dead-letter ids (positive integers)' });
  }
  if (checked === undefined && connector === undefined && all !== true) throw REPLAY_NO_SELECTION({});
  return { ...(connector === undefined ? {} : { connector }), ...(checked === undefined ? {} : { ids: checked }), ...(all === true ? { all } : {}) };
}

export interface DeadLetterReplayerOptions {
  readonly db: Database;
  readonly catalog: EntityCatalog;
  /** Compiled webhook processing by connector (the current config). */
  readonly webhooks: ReadonlyMap<string, CompiledWebhooks>;
  /** Compiled streams: connector → stream (the current config). */
  readonly streams: ReadonlyMap<string, ReadonlyMap<string, CompiledStream>>;
  readonly directory: WebhookConnectionDirectory;
  readonly writer: EntityWriter;
  readonly log: Logger;
  /** Called after inbox events or jobs were put back in their queue (wake the processor or worker). */
  readonly onRequeued?: ((what: 'webhook' | 'job') => void) | undefined;
}

type Outcome =
  | { readonly kind: 'replayed'; readonly as: keyof ReplayCounts; readonly failedAgain: boolean }
  | { readonly kind: 'skipped'; readonly error: ConnectdError }
  | { readonly kind: 'closed' };

/** Thrown inside a replay transaction to roll it back and skip the letter. */
class Skip {
  constructor(readonly error: ConnectdError) {}
}

/**
 * Replays dead letters after the config was fixed: a webhook event goes back to the inbox queue;
 * a webhook or sync record is mapped again with the current mapping and written through the sync
 * write path (failing again writes a new dead letter); a dead job is enqueued again. Each letter
 * is marked replayed in the transaction that replays it, so replaying twice does nothing the
 * second time, even from two places at once.
 * @example
 * const summary = await replayer.replay({ connector: 'storq' });
 * console.log(`${summary.replayed} replayed`);
 */
export class DeadLetterReplayer {
  readonly #options: DeadLetterReplayerOptions;

  constructor(options: DeadLetterReplayerOptions) {
    this.#options = options;
  }

  async replay(selection: ReplaySelection): Promise<ReplaySummary> {
    const { db, log } = this.#options;
    if (selection.ids === undefined && selection.connector === undefined && selection.all !== true) throw REPLAY_NO_SELECTION({});
    const byKind: ReplayCounts = { webhook_event: 0, webhook_record: 0, sync_record: 0, job: 0 };
    const skipped: Array<{ id: string; code: string; reason: string }> = [];
    const seen = new Set<string>();
    let failedAgain = 0;
    const requeued = new Set<'webhook' | 'job'>();
    // Letters written by this replay (records failing again) have larger ids: never replayed here.
    const upToId = await lastDeadLetterId(db);
    let afterId: string | undefined;
    for (;;) {
      const page = await listReplayCandidates(db, { connector: selection.connector, ids: selection.ids, afterId, upToId, limit: REPLAY_PAGE_SIZE });
      if (page.length === 0) break;
      for (const letter of page) {
        const outcome = await this.#replayOne(letter);
        if (outcome.kind === 'closed') continue;
        seen.add(letter.id);
        if (outcome.kind === 'skipped') {
          skipped.push({ id: letter.id, code: outcome.error.code, reason: outcome.error.message });
          continue;
        }
        byKind[outcome.as] += 1;
        if (outcome.failedAgain) failedAgain += 1;
        if (outcome.as === 'webhook_event') requeued.add('webhook');
        if (outcome.as === 'job') requeued.add('job');
      }
      afterId = page[page.length - 1]!.id;
    }
    for (const what of requeued) this.#options.onRequeued?.(what);
    const replayed = byKind.webhook_event + byKind.webhook_record + byKind.sync_record + byKind.job;
    const notOpen = (selection.ids ?? []).filter((id) => !seen.has(id));
    log.info({ replayed, byKind, failedAgain, skipped: skipped.length, notOpen: notOpen.length }, 'dead letters replayed');
    return { replayed, byKind, failedAgain, skipped, notOpen };
  }

  async #replayOne(letter: DeadLetter): Promise<Outcome> {
    try {
      switch (letter.sourceKind) {
        case 'webhook':
          return await this.#webhook(letter);
        case 'sync':
          return await this.#sync(letter);
        case 'job':
          return await this.#job(letter);
        default:
          return skip(letter, `replaying ${letter.sourceKind} dead letters is not supported`);
      }
    } catch (err) {
      if (err instanceof Skip) return { kind: 'skipped', error: err.error };
      // An unreachable store ends the replay (the next letters would fail the same way); any
      // other coded failure (a mapping that throws, a job whose connection is gone) leaves this
      // letter open and goes on.
      if (!isConnectdError(err) || STORE_DOWN.has(err.code)) throw err;
      return { kind: 'skipped', error: err };
    }
  }

  async #webhook(letter: DeadLetter): Promise<Outcome> {
    const payload = readWebhookDeadLetter(letter.payload);
    if (payload === undefined) return skip(letter, 'it holds no stored event to replay (a body that was not JSON is kept for inspection only)');
    if (payload.kind === 'event') {
      return this.#inTransaction(letter, async (tx) => {
        const state = await requeueInboxEvent(tx, payload.inbox_id);
        if (state === 'missing') throw new Skip(notReplayable(letter, `its inbox event ${payload.inbox_id} is gone`));
        return { kind: 'replayed', as: 'webhook_event', failedAgain: false };
      });
    }
    const event = this.#options.webhooks.get(letter.connector)?.events.get(payload.event_type);
    if (event === undefined) return skip(letter, `connector "${letter.connector}" no longer maps webhook event "${payload.event_type}"`);
    const connection = await this.#connection(letter);
    const mapped = await mapRecords([payload.record], event.mapping, event.entity, this.#options.catalog, this.#bindings(letter.connector, connection));
    const rows = mapped.entities.map((e) => ({ naturalKey: e.naturalKey, value: e.value }));
    const letters: NewDeadLetter[] = mapped.failures.map((f) => ({
      sourceKind: 'webhook',
      connector: letter.connector,
      connectionId: connection.id,
      payload: webhookRecordDeadLetter(payload.inbox_id, payload.event_type, f.record),
      errorCode: f.code,
      reason: f.reason,
    }));
    return this.#write(letter, 'webhook_record', { entity: event.entity, connection, rows, letters });
  }

  async #sync(letter: DeadLetter): Promise<Outcome> {
    const stream = letter.stream === null ? undefined : this.#options.streams.get(letter.connector)?.get(letter.stream);
    if (stream === undefined) return skip(letter, `connector "${letter.connector}" no longer declares stream "${letter.stream ?? ''}"`);
    const connection = await this.#connection(letter);
    const { rows, failures } = await stream.mapper.map([letter.payload], this.#bindings(letter.connector, connection));
    const letters: NewDeadLetter[] = failures.map((f) => ({
      sourceKind: 'sync',
      connector: letter.connector,
      connectionId: connection.id,
      stream: stream.name,
      payload: f.record,
      errorCode: f.code,
      reason: f.reason,
    }));
    return this.#write(letter, 'sync_record', { entity: stream.entity, connection, rows, letters });
  }

  async #job(letter: DeadLetter): Promise<Outcome> {
    const dead = (letter.payload ?? {}) as { kind?: unknown; queue?: unknown; payload?: unknown };
    if (typeof dead.kind !== 'string') return skip(letter, 'it does not hold a job (no kind)');
    const kind = dead.kind;
    return this.#inTransaction(letter, async (tx) => {
      await requeueJob(tx, {
        kind,
        queue: typeof dead.queue === 'string' ? dead.queue : 'default',
        connectionId: letter.connectionId,
        stream: letter.stream,
        payload: dead.payload ?? {},
      });
      return { kind: 'replayed', as: 'job', failedAgain: false };
    });
  }

  async #write(
    letter: DeadLetter,
    as: 'webhook_record' | 'sync_record',
    write: { entity: string; connection: ConnectionInfo; rows: ReadonlyArray<{ naturalKey: string; value: Readonly<Record<string, unknown>> }>; letters: NewDeadLetter[] },
  ): Promise<Outcome> {
    return this.#inTransaction(letter, async (tx) => {
      await this.#options.writer.write(tx, { entity: write.entity, connector: letter.connector, connection: write.connection, rows: write.rows });
      if (write.letters.length > 0) await insertDeadLetters(tx, write.letters);
      return { kind: 'replayed', as, failedAgain: write.letters.length > 0 };
    });
  }

  /** Marks the letter replayed first: its row lock serialises two replays of it, and the second finds it closed. */
  #inTransaction(letter: DeadLetter, replay: (tx: Queryable) => Promise<Outcome>): Promise<Outcome> {
    return this.#options.db.transaction(async (tx) => ((await claimDeadLetterReplay(tx, letter.id)) ? replay(tx) : { kind: 'closed' }));
  }

  async #connection(letter: DeadLetter): Promise<ConnectionInfo> {
    const connection = letter.connectionId === null ? undefined : await this.#options.directory.byId(letter.connector, letter.connectionId);
    if (connection === undefined) throw new Skip(notReplayable(letter, `its connection "${letter.connectionId ?? ''}" is not configured`));
    return connection;
  }

  #bindings(connector: string, connection: ConnectionInfo) {
    const { db } = this.#options;
    return { connection, lookups: cachedLookups((t, c, k, ids) => lookupVendorIds(db, t, c, k, ids), connector, connection.tenant) };
  }
}

function notReplayable(letter: DeadLetter, reason: string): ConnectdError {
  return REPLAY_NOT_REPLAYABLE({ id: letter.id, reason });
}

function skip(letter: DeadLetter, reason: string): Outcome {
  return { kind: 'skipped', error: notReplayable(letter, reason) };
}
