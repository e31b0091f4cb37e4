import { ConsumerLoop } from '../changes/index.js';
import type { Logger } from '../log/index.js';
import { advanceChangeCursor, lastChangePosition, lockChangeCursor, startChangeCursor, type Database } from '../store/index.js';
import type { CompiledFlow } from './compile.js';
import { enqueueFlowJobs, FLOWS_CONSUMER } from './enqueue.js';

/** Pages of the change feed handed to the flows per pass before the runner looks again. */
const PAGES_PER_PASS = 10;

export interface FlowRunnerOptions {
  readonly db: Database;
  /** The flows that run (their target connector is active); the others are left out by the caller. */
  readonly flows: readonly CompiledFlow[];
  readonly log: Logger;
  /** Wait between two looks at the feed when there was nothing to do. */
  readonly pollIntervalMs: number;
  /** Told when jobs were queued (the daemon wakes its job worker). */
  readonly onQueued?: (() => void) | undefined;
}

/**
 * Feeds the change feed to the flows: each pass hands the changes after the `flows` cursor to
 * every flow and queues a `flow` job per match (see `enqueueFlowJobs`); the job worker runs them.
 * The cursor starts at the feed's head the first time (flows act on changes made after they first
 * ran, not on the history), and with no flow running it follows the head, so a flow added later
 * does not act on changes from before it existed. Several daemons take turns on the cursor.
 * @example
 * const runner = new FlowRunner({ db, flows, log, pollIntervalMs: 500, onQueued: () => worker.wake() });
 * await runner.start(); … await runner.stop();
 */
export class FlowRunner {
  readonly #options: FlowRunnerOptions;
  readonly #loop: ConsumerLoop;

  constructor(options: FlowRunnerOptions) {
    this.#options = options;
    this.#loop = new ConsumerLoop({
      pass: () => this.pass(),
      pollIntervalMs: options.pollIntervalMs,
      onError: (err) => options.log.warn({ err }, 'flow pass failed; trying again at the next poll'),
    });
  }

  /** Creates the cursor at the feed's head if there is none yet, then runs passes in the background. */
  async start(): Promise<void> {
    if (this.#loop.started) return;
    await startChangeCursor(this.#options.db, FLOWS_CONSUMER);
    this.#loop.start();
  }

  /** Looks at the feed now instead of at the next poll. */
  wake(): void {
    this.#loop.wake();
  }

  /** Finishes the pass in progress, then stops. */
  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  /** One pass. Resolves whether there was anything to do. */
  async pass(): Promise<boolean> {
    const { db, flows, log } = this.#options;
    if (flows.length === 0) return this.#followHead();
    let busy = false;
    let queued = 0;
    for (let page = 0; page < PAGES_PER_PASS; page += 1) {
      const taken = await enqueueFlowJobs(db, flows, log);
      queued += taken.queued;
      if (taken.read === 0) break;
      busy = true;
    }
    if (queued > 0) {
      log.debug({ queued }, 'flow jobs queued');
      this.#options.onQueued?.();
    }
    return busy;
  }

  /** No flow runs: move the cursor to the head without reading the changes. */
  async #followHead(): Promise<boolean> {
    return this.#options.db.transaction(async (tx) => {
      const at = await lockChangeCursor(tx, FLOWS_CONSUMER);
      const head = await lastChangePosition(tx);
      if (head > at) await advanceChangeCursor(tx, FLOWS_CONSUMER, head);
      return false;
    });
  }
}
