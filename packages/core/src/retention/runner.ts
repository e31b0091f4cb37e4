import type { Logger } from '../log/index.js';
import { runRetentionPass, type RetentionPassReport } from './pass.js';
import type { RetentionPolicy } from './policy.js';
import type { RetentionMetrics, RetentionStore } from './types.js';

/**
 * The first pass waits this long after the daemon is up, so a start is not slowed by it; a daemon
 * restarted more often than the interval still runs passes.
 */
export const DEFAULT_RETENTION_FIRST_PASS_DELAY_MS = 60_000;

export interface RetentionRunnerOptions {
  readonly store: RetentionStore;
  readonly policy: RetentionPolicy;
  readonly log: Logger;
  readonly metrics?: RetentionMetrics | undefined;
  /** Default {@link DEFAULT_RETENTION_FIRST_PASS_DELAY_MS}. */
  readonly firstPassDelayMs?: number;
  readonly batchPauseMs?: number;
  /** The passes' clock; default the wall clock. */
  readonly now?: () => Date;
}

/**
 * Runs retention passes in the daemon: the first after a delay, then one every
 * `policy.intervalMs` after the previous ended, never two at once in this process (and, through
 * the store's lock, never two across daemons). Each pass logs one line with its counts per table.
 * @example
 * const retention = new RetentionRunner({ store: createRetentionStore(db), policy: retentionPolicy(config.server?.retention), log });
 * retention.start();
 * await retention.stop(); // before the store closes
 */
export class RetentionRunner {
  #options: RetentionRunnerOptions;
  #timer: NodeJS.Timeout | undefined;
  #current: Promise<RetentionPassReport | undefined> | undefined;
  #stop = new AbortController();

  constructor(options: RetentionRunnerOptions) {
    this.#options = options;
  }

  /** Schedules the passes; does nothing when `server.retention.enabled` is false. */
  start(): void {
    const { policy, log } = this.#options;
    if (!policy.enabled) {
      log.info('retention is disabled (server.retention.enabled: false): nothing is pruned');
      return;
    }
    this.#schedule(this.#options.firstPassDelayMs ?? DEFAULT_RETENTION_FIRST_PASS_DELAY_MS);
  }

  /**
   * Runs one pass now, unless one is running in this process (then undefined), also when the
   * timer is disabled (an explicit request). Never rejects: a failed pass is logged and counted,
   * and the next one starts over.
   */
  runOnce(): Promise<RetentionPassReport | undefined> {
    if (this.#current !== undefined || this.#stop.signal.aborted) return Promise.resolve(undefined);
    const pass = this.#pass().finally(() => {
      this.#current = undefined;
    });
    this.#current = pass;
    return pass;
  }

  /** Cancels the next pass and ends the running one after its batch in flight; resolves once it has. */
  async stop(): Promise<void> {
    this.#stop.abort();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#current;
  }

  #schedule(delayMs: number): void {
    if (this.#stop.signal.aborted) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.runOnce().then(() => this.#schedule(this.#options.policy.intervalMs));
    }, delayMs);
    // Pending retention never keeps a process alive on its own.
    this.#timer.unref();
  }

  async #pass(): Promise<RetentionPassReport | undefined> {
    const { store, policy, log, metrics } = this.#options;
    try {
      const report = await runRetentionPass({
        store,
        policy,
        now: (this.#options.now ?? (() => new Date()))(),
        signal: this.#stop.signal,
        onDeleted: (table, count) => metrics?.deleted(table, count),
        ...(this.#options.batchPauseMs === undefined ? {} : { batchPauseMs: this.#options.batchPauseMs }),
      });
      metrics?.pass(report.outcome);
      if (report.outcome === 'skipped') log.debug('retention pass skipped: another daemon is running one');
      else log.info({ deleted: report.deleted, batches: report.batches, durationMs: report.durationMs, outcome: report.outcome }, 'retention pass done');
      return report;
    } catch (err) {
      metrics?.pass('failed');
      log.warn({ err }, 'retention pass failed; the next pass starts over');
      return undefined;
    }
  }
}
