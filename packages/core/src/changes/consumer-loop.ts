/** What a consumer of the feed does in the background, one pass at a time. */
export interface ConsumerLoopOptions {
  /** One pass; resolves whether it found anything to do (then the next pass runs at once). */
  readonly pass: () => Promise<boolean>;
  /** Wait between two passes that found nothing. */
  readonly pollIntervalMs: number;
  /** A pass that threw; the loop carries on at the next poll. */
  readonly onError: (err: unknown) => void;
}

/**
 * The background loop of a change-feed consumer (the outbound fan-out, flows): passes back to back
 * while there is work, then one per poll interval, or at once when woken (a write the consumer
 * should see was just committed). Stopping lets the pass in progress finish.
 * @example
 * const loop = new ConsumerLoop({ pass: () => runner.pass(), pollIntervalMs: 500, onError: (err) => log.warn({ err }, 'pass failed') });
 * loop.start(); loop.wake(); await loop.stop();
 */
export class ConsumerLoop {
  readonly #options: ConsumerLoopOptions;
  #running: Promise<void> | undefined;
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(options: ConsumerLoopOptions) {
    this.#options = options;
  }

  /** Whether the loop was started (and so has run, or is running, passes). */
  get started(): boolean {
    return this.#running !== undefined;
  }

  start(): void {
    if (this.#running === undefined) this.#running = this.#loop();
  }

  /** Runs the next pass now instead of at the next poll. */
  wake(): void {
    this.#wake?.();
  }

  /** Finishes the pass in progress, then stops. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.wake();
    await this.#running;
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      let busy = false;
      try {
        busy = await this.#options.pass();
      } catch (err) {
        this.#options.onError(err);
      }
      if (busy || this.#stopping) continue;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, this.#options.pollIntervalMs);
      });
      clearTimeout(this.#timer);
      this.#wake = undefined;
    }
  }
}
