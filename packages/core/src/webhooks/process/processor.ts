import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConnectionInfo } from '../../connector/index.js';
import type { Logger } from '../../log/index.js';
import { cachedLookups, type EntityCatalog, type MappingBindings } from '../../mapping/index.js';
import { DEFAULT_WEBHOOK_MAX_ATTEMPTS, DEFAULT_WEBHOOK_RETRY, webhookRetryDelayMs, type WebhookRetryPolicy } from './backoff.js';
import type { CompiledWebhooks } from '../compile.js';
import { prepareEvent, type PrepareContext } from './prepare-event.js';
import { settleBatch } from './settle-batch.js';
import type { ConnectionDirectory, EventEffect, EventFetcher, EventRetry, EventSettlement, WebhookEventStore, WebhookProcessingMetrics } from './types.js';

/** Events claimed per batch: one transaction settles them, so a batch costs a few statements, not one per event. */
export const DEFAULT_INBOX_BATCH_SIZE = 100;
/** A claim is ours this long; a daemon that dies mid-batch has its events taken again after it. */
export const DEFAULT_INBOX_LEASE_MS = 60_000;
/** How often an idle processor looks for due events (the intake's `wake()` looks at once). */
export const DEFAULT_INBOX_POLL_INTERVAL_MS = 1_000;
/** How long `stop()` lets a running batch finish. */
export const DEFAULT_INBOX_STOP_DEADLINE_MS = 10_000;

export interface InboxProcessorOptions {
  readonly store: WebhookEventStore;
  readonly directory: ConnectionDirectory;
  /** Compiled webhook processing by connector key ({@link compileWebhooks}). */
  readonly connectors: ReadonlyMap<string, CompiledWebhooks>;
  readonly catalog: EntityCatalog;
  /** Sends the follow-up fetches events declare (through each connection's HTTP runtime). */
  readonly fetcher?: EventFetcher | undefined;
  /** Told each applied effect after its batch commits (wake the worker for a queued run; drop a marked connection's tokens). */
  readonly onEffect?: ((connectionId: string, effect: EventEffect) => void) | undefined;
  readonly log: Logger;
  readonly metrics?: WebhookProcessingMetrics | undefined;
  readonly batchSize?: number | undefined;
  readonly leaseMs?: number | undefined;
  readonly pollIntervalMs?: number | undefined;
  readonly maxAttempts?: number | undefined;
  readonly retry?: Partial<WebhookRetryPolicy> | undefined;
  /** Randomness for retry jitter; tests pass a constant. */
  readonly random?: (() => number) | undefined;
  /** Shown in `claimed_by`; default host:pid:random. */
  readonly processorId?: string | undefined;
}

/** What one batch did. */
export interface BatchSummary {
  readonly claimed: number;
  readonly processed: number;
  readonly ignored: number;
  readonly dead: number;
  readonly retried: number;
  /** Events whose lease passed before they were settled: another processor has them. */
  readonly lost: number;
}

const EMPTY: BatchSummary = { claimed: 0, processed: 0, ignored: 0, dead: 0, retried: 0, lost: 0 };

/**
 * Processes the webhook inbox: claims due events in batches (with a lease, so a crashed daemon's
 * events are taken again), maps each onto entities and settles the batch in one transaction
 * through the sync write path. Whole-event failures are retried with exponential backoff and
 * jitter, then dead-lettered. Polls, and can be woken by the intake after each commit. Several
 * processors (in one process or many) share one database safely.
 * @example
 * const processor = new InboxProcessor({ store, directory, connectors, catalog: project.catalog, log });
 * processor.start();
 * intake.onCommitted(() => processor.wake());
 * // on shutdown:
 * await processor.stop({ deadlineMs: 10_000 });
 */
export class InboxProcessor {
  readonly processorId: string;
  readonly #options: InboxProcessorOptions;
  readonly #log: Logger;
  readonly #batchSize: number;
  readonly #leaseMs: number;
  readonly #pollIntervalMs: number;
  readonly #maxAttempts: number;
  readonly #retry: WebhookRetryPolicy;
  #running = false;
  #woken = false;
  #loop: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;

  constructor(options: InboxProcessorOptions) {
    this.#options = options;
    this.processorId = options.processorId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#log = options.log.child({ component: 'webhook-processor' });
    this.#batchSize = options.batchSize ?? DEFAULT_INBOX_BATCH_SIZE;
    this.#leaseMs = options.leaseMs ?? DEFAULT_INBOX_LEASE_MS;
    this.#pollIntervalMs = options.pollIntervalMs ?? DEFAULT_INBOX_POLL_INTERVAL_MS;
    this.#maxAttempts = options.maxAttempts ?? DEFAULT_WEBHOOK_MAX_ATTEMPTS;
    this.#retry = { ...DEFAULT_WEBHOOK_RETRY, ...options.retry };
  }

  /** Starts processing in the background. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Looks for due events now instead of at the next poll; cheap enough to call after every intake commit. */
  wake(): void {
    this.#woken = true;
    this.#wakeUp?.();
  }

  /**
   * Stops claiming and lets the running batch finish until `deadlineMs`. A batch still running
   * after it is left to finish or fail on its own: its events stay claimed until their lease
   * passes, then any processor takes them again, and none is applied twice.
   */
  async stop(options: { readonly deadlineMs?: number } = {}): Promise<void> {
    this.#running = false;
    this.#wakeUp?.();
    const loop = this.#loop;
    if (loop === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), options.deadlineMs ?? DEFAULT_INBOX_STOP_DEADLINE_MS);
    });
    const outcome = await Promise.race([loop.then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'late') this.#log.warn('a webhook batch was still running at the shutdown deadline; its events are taken again after their lease');
  }

  /** Claims one batch and processes it; for tests and one-shot use. Rejects when the store cannot be reached. */
  async runOnce(): Promise<BatchSummary> {
    const { store } = this.#options;
    const claimedBy = `${this.processorId}/${randomUUID().slice(0, 8)}`;
    const { events, exhausted } = await store.claim({ limit: this.#batchSize, leaseMs: this.#leaseMs, claimedBy, maxAttempts: this.#maxAttempts });
    for (const { id, connector } of exhausted) {
      this.#options.metrics?.settled(connector, 'dead', 1);
      this.#options.metrics?.deadLettered(connector, 'attempts_exhausted', 1);
      this.#log.warn({ inboxId: id, connector }, 'webhook event abandoned on its last attempt (the daemon died processing it) was dead-lettered');
    }
    if (events.length === 0) return EMPTY;

    const context = this.#context();
    const settlements: EventSettlement[] = [];
    const retries: EventRetry[] = [];
    // Sequential on purpose: mapping is CPU work on a small machine, and the lookups of one
    // connection are cached across the batch.
    for (const event of events) {
      const prepared = await prepareEvent(event, context);
      if ('settlement' in prepared) settlements.push(prepared.settlement);
      else retries.push(this.#retryOf(event, prepared.retry));
    }
    const { settled, erasedRows } = await settleBatch(store, claimedBy, settlements, (event, error) => retries.push(this.#retryOf(event, error)), this.#log);
    this.#announceEffects(settlements, settled, erasedRows);
    const dead = retries.length === 0 ? [] : await store.retry(claimedBy, retries, this.#maxAttempts);
    return this.#report(events.length, settlements, settled, retries, dead);
  }

  /** Runs batches until none is due; for tests and one-shot commands. */
  async drain(): Promise<BatchSummary> {
    const total = { ...EMPTY };
    for (;;) {
      const batch = await this.runOnce();
      for (const key of Object.keys(total) as Array<keyof BatchSummary>) total[key] += batch[key];
      if (batch.claimed === 0) return total;
    }
  }

  #announceEffects(settlements: readonly EventSettlement[], settled: ReadonlySet<string>, erasedRows: ReadonlyMap<string, number>): void {
    for (const s of settlements) {
      if (s.kind !== 'processed' || s.effect === undefined || !settled.has(s.event.id)) continue;
      this.#logEffect(s, s.effect, erasedRows.get(s.event.id) ?? 0);
      this.#options.onEffect?.(s.connection.id, s.effect);
    }
  }

  #logEffect(s: Extract<EventSettlement, { kind: 'processed' }>, effect: EventEffect, erased: number): void {
    const where = { inboxId: s.event.id, connector: s.event.connector, connection: s.connection.id, eventType: s.eventType };
    switch (effect.kind) {
      case 'run_stream':
        this.#log.info({ ...where, stream: effect.stream }, 'webhook event queued a stream run');
        return;
      case 'mark_connection':
        this.#log.warn(
          { ...where, status: effect.status },
          effect.status === 'disabled'
            ? 'the vendor said the app was uninstalled: connection disabled and its tokens deleted'
            : 'the vendor said the connection lost its grant: marked until its account connects again',
        );
        return;
      case 'erase_connection_data':
        this.#log.warn({ ...where, rows: erased }, "the vendor asked to erase the connection's data: its rows were deleted from connectd.*");
        return;
      case 'record':
        this.#log.info({ ...where, note: effect.note }, 'webhook event recorded');
        return;
    }
  }

  #retryOf(event: EventRetry['event'], error: { code: string; message: string; cause?: unknown }): EventRetry {
    this.#log.warn({ err: error, code: error.code, inboxId: event.id, connector: event.connector, attempt: event.attempts }, 'webhook event failed; retrying later');
    return { event, code: error.code, message: error.message, delayMs: webhookRetryDelayMs(event.attempts, this.#retry, this.#options.random) };
  }

  #context(): PrepareContext {
    const { store } = this.#options;
    const bindings = new Map<string, MappingBindings>();
    return {
      connectors: this.#options.connectors,
      directory: this.#options.directory,
      catalog: this.#options.catalog,
      fetcher: this.#options.fetcher,
      bindingsFor: (connector: string, connection: ConnectionInfo) => {
        const key = `${connector}\u0000${connection.id}`;
        let bound = bindings.get(key);
        if (bound === undefined) {
          const lookups = cachedLookups((t, c, k, ids) => store.lookupVendorIds(t, c, k, ids), connector, connection.tenant);
          bound = { connection, lookups };
          bindings.set(key, bound);
        }
        return bound;
      },
    };
  }

  #report(claimed: number, settlements: readonly EventSettlement[], settled: ReadonlySet<string>, retries: readonly EventRetry[], dead: readonly string[]): BatchSummary {
    const metrics = this.#options.metrics;
    const now = Date.now();
    const counts = { processed: 0, ignored: 0, dead: 0, lost: 0 };
    for (const s of settlements) {
      if (!settled.has(s.event.id)) {
        if (!retries.some((r) => r.event.id === s.event.id)) counts.lost += 1;
        continue;
      }
      counts[s.kind] += 1;
      metrics?.settled(s.event.connector, s.kind, 1);
      if (s.kind === 'processed') {
        metrics?.observeLatency(Math.max(0, now - s.event.receivedAt.getTime()) / 1000);
        if (s.failures.length > 0) {
          metrics?.deadLettered(s.event.connector, 'record', s.failures.length);
          this.#log.warn({ inboxId: s.event.id, connector: s.event.connector, eventType: s.eventType, records: s.failures.length, code: s.failures[0]?.code }, 'webhook records dead-lettered');
        }
      } else if (s.kind === 'dead') {
        metrics?.deadLettered(s.event.connector, s.reason, 1);
        this.#log.warn({ inboxId: s.event.id, connector: s.event.connector, code: s.code, reason: s.message }, 'webhook event dead-lettered');
      }
    }
    for (const r of retries) {
      const isDead = dead.includes(r.event.id);
      metrics?.settled(r.event.connector, isDead ? 'dead' : 'retry', 1);
      if (isDead) metrics?.deadLettered(r.event.connector, 'attempts_exhausted', 1);
    }
    if (counts.lost > 0) this.#log.warn({ events: counts.lost }, 'webhook events were taken over by another processor after their lease passed; not applied here');
    return { claimed, ...counts, dead: counts.dead + dead.length, retried: retries.length - dead.length };
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#woken = false;
      let claimed = 0;
      let failed = false;
      try {
        claimed = (await this.runOnce()).claimed;
      } catch (err) {
        failed = true;
        this.#log.error({ err, code: (err as { code?: string }).code }, 'could not process the webhook inbox; retrying at the next poll');
      }
      if (!this.#running) return;
      // After a failure, wait out the poll interval even when woken: the store is likely down.
      if (!failed && (claimed >= this.#batchSize || this.#woken)) continue;
      await this.#sleep(this.#pollIntervalMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // The daemon's server keeps the process alive; an idle processor alone should not.
      timer.unref();
      this.#wakeUp = done;
    });
  }
}
