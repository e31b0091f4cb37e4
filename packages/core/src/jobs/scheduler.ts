import { createTask, validateDetailed, type ScheduledTask } from 'node-cron';
import { JOBS_SCHEDULE_INVALID, INTERNAL } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { NewJob, TickResult } from '../store/index.js';
import type { TickRepository } from './repository.js';

/** connectors.yaml schedules are UTC. */
export const DEFAULT_SCHEDULE_TIMEZONE = 'UTC';
/** Tick rows are kept this long (to dedupe late daemons), then deleted by later ticks. */
export const DEFAULT_TICK_RETENTION_MS = 24 * 60 * 60_000;
/** The job kind a stream schedule enqueues unless told otherwise. */
export const SYNC_JOB_KIND = 'sync';

/** One (connection, stream) on a cron schedule. */
export interface ScheduledStream {
  readonly connectionId: string;
  readonly stream: string;
  /** Cron, 5 fields or 6 with seconds first. */
  readonly schedule: string;
  /** Default {@link SYNC_JOB_KIND}. */
  readonly kind?: string;
  readonly queue?: string;
  /** Merged into each job's payload, with `scheduled_for` (the tick, ISO). */
  readonly payload?: Readonly<Record<string, unknown>>;
  readonly maxAttempts?: number;
  readonly priority?: number;
}

export interface SchedulerOptions {
  readonly repository: TickRepository;
  readonly log: Logger;
  /** Default {@link DEFAULT_SCHEDULE_TIMEZONE}. */
  readonly timezone?: string;
  readonly tickRetentionMs?: number;
  /** Called after every tick with what it did (the daemon wakes its worker on `enqueued`). */
  readonly onTick?: (result: TickResult, entry: ScheduledStream, tickAt: Date) => void;
}

/** The key of a stream's schedule: ticks and their jobs are unique per key and slot. */
export function scheduleKey(entry: Pick<ScheduledStream, 'connectionId' | 'stream' | 'kind'>): string {
  return `${entry.kind ?? SYNC_JOB_KIND}:${entry.connectionId}:${entry.stream}`;
}

/**
 * When a cron schedule fires next after now, or null if never.
 * @throws CONNECTD_ERR_JOBS_SCHEDULE_INVALID
 * @example
 * nextRun('*\/5 * * * *'); // the next multiple of 5 minutes, UTC
 */
export function nextRun(schedule: string, timezone: string = DEFAULT_SCHEDULE_TIMEZONE): Date | null {
  assertSchedule(schedule, schedule);
  const task = createTask(schedule, () => undefined, { timezone });
  try {
    return task.getNextRuns(1)[0] ?? null;
  } finally {
    void task.destroy();
  }
}

/**
 * Enqueues a job per (connection, stream) on each cron tick, exactly once across every daemon on
 * the database: the tick is a row with a primary key, written in the transaction that enqueues.
 * A tick whose stream still has a job waiting joins it instead of piling up another.
 * @example
 * const scheduler = new Scheduler({ repository: createJobRepository(store.db), log, onTick: () => worker.wake() });
 * scheduler.add({ connectionId: 'storq-main', stream: 'stock', schedule: '*\/5 * * * *' });
 * scheduler.start();
 * // on shutdown:
 * await scheduler.stop();
 */
export class Scheduler {
  #repository: TickRepository;
  #log: Logger;
  #timezone: string;
  #retentionMs: number;
  #onTick: SchedulerOptions['onTick'];
  #entries = new Map<string, ScheduledStream>();
  #tasks = new Map<string, ScheduledTask>();
  #ticking = new Set<Promise<unknown>>();
  #started = false;

  constructor(options: SchedulerOptions) {
    this.#repository = options.repository;
    this.#log = options.log.child({ component: 'scheduler' });
    this.#timezone = options.timezone ?? DEFAULT_SCHEDULE_TIMEZONE;
    this.#retentionMs = options.tickRetentionMs ?? DEFAULT_TICK_RETENTION_MS;
    this.#onTick = options.onTick;
  }

  /**
   * Adds a stream's schedule (started at once when the scheduler runs).
   * @throws CONNECTD_ERR_JOBS_SCHEDULE_INVALID
   */
  add(entry: ScheduledStream): void {
    const key = scheduleKey(entry);
    assertSchedule(key, entry.schedule);
    if (this.#entries.has(key)) throw INTERNAL({ message: `schedule ${key} was added twice` });
    this.#entries.set(key, entry);
    if (this.#started) this.#startTask(key, entry);
  }

  /** Removes every schedule of a connection (disconnected or deleted) and stops its cron tasks. */
  async removeConnection(connectionId: string): Promise<void> {
    const removed: Array<Promise<void> | void> = [];
    for (const [key, entry] of this.#entries) {
      if (entry.connectionId !== connectionId) continue;
      this.#entries.delete(key);
      const task = this.#tasks.get(key);
      this.#tasks.delete(key);
      if (task !== undefined) removed.push(task.destroy());
    }
    await Promise.all(removed);
  }

  /** The schedules added so far. */
  entries(): ScheduledStream[] {
    return [...this.#entries.values()];
  }

  /** Starts a cron task per schedule. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const [key, entry] of this.#entries) this.#startTask(key, entry);
  }

  /** Stops every cron task and waits for ticks being enqueued. */
  async stop(): Promise<void> {
    this.#started = false;
    const tasks = [...this.#tasks.values()];
    this.#tasks.clear();
    await Promise.all(tasks.map((task) => task.destroy()));
    await Promise.allSettled([...this.#ticking]);
  }

  /** When the stream's schedule fires next; undefined for a stream without a schedule here. */
  nextRun(connectionId: string, stream: string, kind: string = SYNC_JOB_KIND): Date | null | undefined {
    const entry = this.#entries.get(scheduleKey({ connectionId, stream, kind }));
    return entry === undefined ? undefined : nextRun(entry.schedule, this.#timezone);
  }

  /**
   * Handles one tick of a stream: what the cron task calls at each slot, public so tests and
   * tools can fire a slot without waiting for the clock. The slot is truncated to the second.
   */
  async tick(entry: ScheduledStream, tickAt: Date): Promise<TickResult> {
    const slot = new Date(Math.floor(tickAt.getTime() / 1000) * 1000);
    const key = scheduleKey(entry);
    const job: NewJob = {
      kind: entry.kind ?? SYNC_JOB_KIND,
      connectionId: entry.connectionId,
      stream: entry.stream,
      payload: { ...entry.payload, scheduled_for: slot.toISOString() },
      uniqueKey: `${key}@${slot.toISOString()}`,
      ...(entry.queue === undefined ? {} : { queue: entry.queue }),
      ...(entry.maxAttempts === undefined ? {} : { maxAttempts: entry.maxAttempts }),
      ...(entry.priority === undefined ? {} : { priority: entry.priority }),
    };
    const result = await this.#repository.enqueueForTick({ scheduleKey: key, tickAt: slot, retentionMs: this.#retentionMs }, job);
    this.#log.debug({ schedule: key, tick: slot.toISOString(), outcome: result.outcome, jobId: result.job?.id }, 'schedule tick');
    try {
      this.#onTick?.(result, entry, slot);
    } catch (err) {
      this.#log.error({ err, schedule: key }, 'onTick callback failed');
    }
    return result;
  }

  #startTask(key: string, entry: ScheduledStream): void {
    const task = createTask(
      entry.schedule,
      (context) => {
        const ticking = this.tick(entry, context.date).catch((err: unknown) => {
          // Another daemon may still enqueue this tick; if none does, the next tick runs the stream.
          this.#log.error({ err, schedule: key }, 'could not enqueue a scheduled run');
        });
        this.#ticking.add(ticking);
        void ticking.finally(() => this.#ticking.delete(ticking));
        return ticking;
      },
      { timezone: this.#timezone, name: key, logger: cronLogger(this.#log) },
    );
    this.#tasks.set(key, task);
    void task.start();
  }
}

function assertSchedule(scheduleKeyName: string, schedule: string): void {
  const checked = validateDetailed(schedule);
  if (!checked.valid) {
    const reason = checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'not a cron expression';
    throw JOBS_SCHEDULE_INVALID({ scheduleKey: scheduleKeyName, schedule, reason });
  }
}

/** node-cron logs through its own interface; route it to ours instead of the console. */
function cronLogger(log: Logger): { info(m: string): void; warn(m: string): void; error(m: string | Error, e?: Error): void; debug(m: string | Error, e?: Error): void } {
  return {
    info: (message) => log.debug({ source: 'node-cron' }, message),
    warn: (message) => log.warn({ source: 'node-cron' }, message),
    error: (message, err) => log.error({ source: 'node-cron', err: err ?? message }, typeof message === 'string' ? message : message.message),
    debug: (message) => log.debug({ source: 'node-cron' }, String(message)),
  };
}
