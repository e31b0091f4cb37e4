/**
 * Group commit for the inbox: concurrent requests' rows are written in one multi-row statement
 * (one round trip, one commit) instead of one INSERT each. A request waits for its own row's
 * outcome, so nothing is acknowledged before it is committed.
 *
 * Batches form naturally: a flush starts after `maxDelayMs` (or as soon as `maxBatchRows` rows
 * wait); while `maxInFlight` flushes are running, new rows accumulate and go out together as soon
 * as one finishes. Light load pays at most `maxDelayMs`; heavy load gets large batches.
 */
import { INTERNAL } from '../../errors/index.js';

export interface GroupCommitOptions {
  /** Most rows in one statement. */
  readonly maxBatchRows: number;
  /** How long the first waiting row waits for company; 0 flushes on the next turn of the event loop. */
  readonly maxDelayMs: number;
  /** Statements in flight at once (a Postgres pool serves them on separate connections). */
  readonly maxInFlight: number;
}

// Two statements in flight keep the commit pipeline full while leaving pool connections to the
// processing workers; the bench showed no gain from more, and batches grow instead.
export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxBatchRows: 256, maxDelayMs: 1, maxInFlight: 2 };

interface Waiting<Row, Outcome> {
  readonly row: Row;
  resolve(outcome: Outcome): void;
  reject(err: unknown): void;
}

/**
 * Batches `submit` calls into calls of `write(rows)`, which must resolve with one outcome per row in
 * order. When a batch of several rows fails, each row is retried alone, so one bad row cannot fail
 * its neighbours.
 * @example
 * const committer = new GroupCommitter((rows) => inbox.insert(rows));
 * const outcome = await committer.submit(row); // resolved once the statement holding it committed
 */
export class GroupCommitter<Row, Outcome> {
  readonly #write: (rows: Row[]) => Promise<readonly Outcome[]>;
  readonly #options: GroupCommitOptions;
  #waiting: Array<Waiting<Row, Outcome>> = [];
  #inFlight = 0;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  constructor(write: (rows: Row[]) => Promise<readonly Outcome[]>, options: Partial<GroupCommitOptions> = {}) {
    this.#write = write;
    this.#options = { ...DEFAULT_GROUP_COMMIT, ...options };
  }

  /** Resolves with the row's outcome once the statement holding it has committed. */
  submit(row: Row): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.#waiting.push({ row, resolve, reject });
      this.#schedule();
    });
  }

  /** Rows waiting for a flush (not yet sent). */
  get waiting(): number {
    return this.#waiting.length;
  }

  #schedule(): void {
    if (this.#inFlight >= this.#options.maxInFlight || this.#waiting.length === 0) return;
    if (this.#waiting.length >= this.#options.maxBatchRows) {
      this.#flush();
      return;
    }
    if (this.#timer !== undefined) return;
    const fire = (): void => {
      this.#timer = undefined;
      this.#flush();
    };
    this.#timer = this.#options.maxDelayMs <= 0 ? setImmediate(fire) : setTimeout(fire, this.#options.maxDelayMs);
  }

  #flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer as NodeJS.Timeout);
      clearImmediate(this.#timer as NodeJS.Immediate);
      this.#timer = undefined;
    }
    while (this.#inFlight < this.#options.maxInFlight && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#options.maxBatchRows);
      this.#inFlight++;
      void this.#run(batch).finally(() => {
        this.#inFlight--;
        // Rows that queued up meanwhile have waited a whole statement already: send them now.
        if (this.#waiting.length > 0) this.#flush();
      });
      if (this.#waiting.length < this.#options.maxBatchRows) break;
    }
    if (this.#waiting.length > 0) this.#schedule();
  }

  async #run(batch: Array<Waiting<Row, Outcome>>): Promise<void> {
    try {
      const outcomes = await this.#write(batch.map((w) => w.row));
      batch.forEach((w, i) => {
        const outcome = outcomes[i];
        if (outcome === undefined) w.reject(INTERNAL({ message: `inbox writer returned ${outcomes.length} outcomes for ${batch.length} rows` }));
        else w.resolve(outcome);
      });
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      await Promise.all(batch.map((w) => this.#run([w])));
    }
  }
}
