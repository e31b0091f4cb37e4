import type { ConnectionInfo } from '../connector/index.js';
import { isConnectdError, MAPPING_LOOKUP_MISSING, REPLAY_NO_SELECTION, REPLAY_NOT_REPLAYABLE, STORE_CLOSED, STORE_UNREACHABLE, type ConnectdError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { cachedLookups, type EntityCatalog, type MappedRows } from '../mapping/index.js';
import type { DeadLetter, NewDeadLetter } from '../store/index.js';
import type { CompiledStream } from '../sync/index.js';
import { readWebhookDeadLetter, webhookRecordDeadLetter, type CompiledWebhookEvent } from '../webhooks/index.js';
import type { ReplayStore, ReplayWrite } from './ports.js';
import type { ReplaySelection } from './selection.js';

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
  /** Events to the app put back in the outbox (same webhook-id). */
  outbound_event: number;
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

/** What retrying the records whose lookups missed did. */
export interface LookupRetrySummary {
  /** Records written now that the ids they name exist. */
  readonly resolved: number;
  /** Records left open: an id they name is still unknown (or their mapping fails otherwise now). */
  readonly waiting: number;
}

/** Replays only records that now map cleanly; others stay open as they are, with no new letter. */
type Mode = 'replay' | 'resolved_only';

/** Dead letters read per page while replaying. */
export const REPLAY_PAGE_SIZE = 100;

/** Store failures that end a replay instead of skipping one letter. */
const STORE_DOWN: ReadonlySet<string> = new Set([STORE_UNREACHABLE.code, STORE_CLOSED.code]);

export interface DeadLetterReplayerOptions {
  readonly store: ReplayStore;
  readonly catalog: EntityCatalog;
  /** A webhook event type's current mapping, or undefined when the connector no longer maps it. */
  webhookEvent(connector: string, eventType: string): CompiledWebhookEvent | undefined;
  /** A stream's current mapping, or undefined when the connector no longer declares it. */
  stream(connector: string, stream: string): CompiledStream | undefined;
  /** A connection by id (declared or stored), or undefined when it is gone. */
  connection(connector: string, connectionId: string): Promise<ConnectionInfo | undefined>;
  readonly log: Logger;
  /** Called after inbox events or jobs were put back in their queue (wake the processor or worker). */
  readonly onRequeued?: ((what: 'webhook' | 'job') => void) | undefined;
}

type Outcome =
  | { readonly kind: 'replayed'; readonly as: keyof ReplayCounts; readonly failedAgain: boolean }
  | { readonly kind: 'skipped'; readonly error: ConnectdError }
  | { readonly kind: 'closed' };

const notReplayable = (letter: DeadLetter, reason: string): Outcome => ({ kind: 'skipped', error: REPLAY_NOT_REPLAYABLE({ id: letter.id, reason }) });
const written = (write: ReplayWrite, as: keyof ReplayCounts, failedAgain = false): Outcome =>
  write === 'closed' ? { kind: 'closed' } : { kind: 'replayed', as, failedAgain };

/**
 * Replays dead letters after the config was fixed: a webhook event goes back to the inbox queue;
 * a webhook or sync record is mapped again with the current mapping and written through the one
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
    const { store, log } = this.#options;
    if (selection.ids === undefined && selection.connector === undefined && selection.all !== true) throw REPLAY_NO_SELECTION({});
    const byKind: ReplayCounts = { webhook_event: 0, webhook_record: 0, sync_record: 0, job: 0, outbound_event: 0 };
    const skipped: Array<{ id: string; code: string; reason: string }> = [];
    const seen = new Set<string>();
    let failedAgain = 0;
    const requeued = new Set<'webhook' | 'job'>();
    // Letters written by this replay (records failing again) have larger ids: never replayed here.
    const upToId = await store.lastLetterId();
    let afterId: string | undefined;
    for (;;) {
      const page = await store.candidates({ connector: selection.connector, ids: selection.ids, afterId, upToId, limit: REPLAY_PAGE_SIZE });
      if (page.length === 0) break;
      for (const letter of page) {
        const outcome = await this.#replayOne(letter, 'replay');
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
    const replayed = byKind.webhook_event + byKind.webhook_record + byKind.sync_record + byKind.job + byKind.outbound_event;
    const notOpen = (selection.ids ?? []).filter((id) => !seen.has(id));
    log.info({ replayed, byKind, failedAgain, skipped: skipped.length, notOpen: notOpen.length }, 'dead letters replayed');
    return { replayed, byKind, failedAgain, skipped, notOpen };
  }

  /**
   * Writes the records of a connection whose `$store()`/`$product()` lookup missed, once the ids
   * they name exist: called after a stream of the connection succeeded (it may have written them),
   * so an inventory count that arrived before its product lands without a manual replay. Records
   * still missing an id stay open as they are; no new letter is written for them.
   * @example
   * const { resolved, waiting } = await replayer.retryLookupMisses('square', 'sq-acme');
   */
  async retryLookupMisses(connector: string, connectionId: string): Promise<LookupRetrySummary> {
    const { store, log } = this.#options;
    const upToId = await store.lastLetterId();
    let resolved = 0;
    let waiting = 0;
    let afterId: string | undefined;
    for (;;) {
      const page = await store.candidates({ connector, connectionId, errorCode: MAPPING_LOOKUP_MISSING.code, afterId, upToId, limit: REPLAY_PAGE_SIZE });
      if (page.length === 0) break;
      for (const letter of page) {
        const outcome = await this.#replayOne(letter, 'resolved_only');
        if (outcome.kind === 'replayed') resolved += 1;
        else if (outcome.kind === 'skipped') waiting += 1;
      }
      afterId = page[page.length - 1]!.id;
    }
    if (resolved > 0) log.info({ connector, connection: connectionId, resolved, waiting }, 'records that waited for a lookup were written');
    return { resolved, waiting };
  }

  async #replayOne(letter: DeadLetter, mode: Mode): Promise<Outcome> {
    try {
      switch (letter.sourceKind) {
        case 'webhook':
          return await this.#webhook(letter, mode);
        case 'sync':
          return await this.#sync(letter, mode);
        case 'job':
          return await this.#job(letter);
        case 'outbound':
          return await this.#outbound(letter, mode);
        default:
          return notReplayable(letter, `replaying ${letter.sourceKind} dead letters is not supported`);
      }
    } catch (err) {
      // An unreachable store ends the replay (the next letters would fail the same way); any
      // other coded failure (a mapping that throws) leaves this letter open and goes on.
      if (!isConnectdError(err) || STORE_DOWN.has(err.code)) throw err;
      return { kind: 'skipped', error: err };
    }
  }

  async #webhook(letter: DeadLetter, mode: Mode): Promise<Outcome> {
    const payload = readWebhookDeadLetter(letter.payload);
    if (payload === undefined) return notReplayable(letter, 'it holds no stored event to replay (a body that was not JSON is kept for inspection only)');
    if (payload.kind === 'event') {
      if (mode === 'resolved_only') return notReplayable(letter, 'a whole event is replayed only when asked');
      const write = await this.#options.store.replayEvent(letter.id, payload.inbox_id);
      return write === 'missing' ? notReplayable(letter, `its inbox event ${payload.inbox_id} is gone`) : written(write, 'webhook_event');
    }
    const event = this.#options.webhookEvent(letter.connector, payload.event_type);
    if (event?.action.kind !== 'map') return notReplayable(letter, `connector "${letter.connector}" no longer maps webhook event "${payload.event_type}"`);
    const connection = await this.#connection(letter);
    if (connection === undefined) return notReplayable(letter, `its connection "${letter.connectionId ?? ''}" is not configured`);
    const mapped = await event.action.mapper.map([payload.record], this.#bindings(letter.connector, connection));
    const again = mapped.failures.map((f): NewDeadLetter => ({
      sourceKind: 'webhook',
      connector: letter.connector,
      connectionId: connection.id,
      payload: webhookRecordDeadLetter(payload.inbox_id, payload.event_type, f.record),
      errorCode: f.code,
      reason: f.reason,
    }));
    return this.#records(letter, 'webhook_record', connection, mapped, again, mode);
  }

  async #sync(letter: DeadLetter, mode: Mode): Promise<Outcome> {
    const stream = letter.stream === null ? undefined : this.#options.stream(letter.connector, letter.stream);
    if (stream === undefined) return notReplayable(letter, `connector "${letter.connector}" no longer declares stream "${letter.stream ?? ''}"`);
    const connection = await this.#connection(letter);
    if (connection === undefined) return notReplayable(letter, `its connection "${letter.connectionId ?? ''}" is not configured`);
    const mapped = await stream.mapper.map([letter.payload], this.#bindings(letter.connector, connection));
    const again = mapped.failures.map((f): NewDeadLetter => ({
      sourceKind: 'sync',
      connector: letter.connector,
      connectionId: connection.id,
      stream: stream.name,
      payload: f.record,
      errorCode: f.code,
      reason: f.reason,
    }));
    return this.#records(letter, 'sync_record', connection, mapped, again, mode);
  }

  async #job(letter: DeadLetter): Promise<Outcome> {
    const dead = (letter.payload ?? {}) as { kind?: unknown; queue?: unknown; payload?: unknown };
    if (typeof dead.kind !== 'string') return notReplayable(letter, 'it does not hold a job (no kind)');
    const write = await this.#options.store.replayJob(letter.id, {
      kind: dead.kind,
      queue: typeof dead.queue === 'string' ? dead.queue : 'default',
      connectionId: letter.connectionId,
      stream: letter.stream,
      payload: dead.payload ?? {},
    });
    return written(write, 'job');
  }

  async #outbound(letter: DeadLetter, mode: Mode): Promise<Outcome> {
    if (mode === 'resolved_only') return notReplayable(letter, 'an outbound event is replayed only when asked');
    const outboundId = (letter.payload as { outbound_id?: unknown } | null)?.outbound_id;
    if (typeof outboundId !== 'string') return notReplayable(letter, 'it does not name an outbound event');
    const write = await this.#options.store.replayOutbound(letter.id, outboundId);
    return write === 'missing' ? notReplayable(letter, `its outbound event ${outboundId} is gone`) : written(write, 'outbound_event');
  }

  async #records(
    letter: DeadLetter,
    as: 'webhook_record' | 'sync_record',
    connection: ConnectionInfo,
    mapped: MappedRows,
    failedAgain: readonly NewDeadLetter[],
    mode: Mode,
  ): Promise<Outcome> {
    if (mode === 'resolved_only' && failedAgain.length > 0) {
      const [first] = failedAgain;
      return notReplayable(letter, `it still fails: ${first?.reason ?? 'unknown reason'}`);
    }
    const write = await this.#options.store.replayRecords(letter.id, { connector: letter.connector, connection, rows: mapped.rows, failedAgain });
    return written(write, as, failedAgain.length > 0);
  }

  #connection(letter: DeadLetter): Promise<ConnectionInfo | undefined> {
    return letter.connectionId === null ? Promise.resolve(undefined) : this.#options.connection(letter.connector, letter.connectionId);
  }

  #bindings(connector: string, connection: ConnectionInfo) {
    return { connection, lookups: cachedLookups(this.#options.store.lookupVendorIds, connector, connection.tenant) };
  }
}
