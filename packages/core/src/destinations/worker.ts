import type { Dispatcher } from 'undici';
import { ConsumerLoop } from '../changes/index.js';
import { DispatcherSource } from '../http/index.js';
import { OUTBOUND_DELIVERY_FAILED, OUTBOUND_DESTINATION_GONE } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import {
  claimOutboundEvents,
  disableOutboundDestination,
  insertDeadLetters,
  killOutboundEvent,
  listDisabledDestinations,
  markOutboundDelivered,
  releaseOutboundEvent,
  retryOutboundEvent,
  type Database,
  type OutboundEventRow,
} from '../store/index.js';
import { retryDelayMs } from './backoff.js';
import type { Destination } from './compile.js';
import { deliverEvent } from './deliver.js';
import { EndpointBreaker } from './endpoint-breaker.js';
import { fanOutChanges, fanOutLifecycle } from './fan-out.js';

/** Events delivered at once per destination (each of a different key). */
export const DELIVERY_CONCURRENCY = 32;
/** Pages fanned out per tick before deliveries get their turn. */
const FAN_OUT_PAGES_PER_TICK = 10;

export interface OutboundWorkerOptions {
  readonly db: Database;
  readonly destinations: readonly Destination[];
  readonly log: Logger;
  /** The clock of retries, windows and leases (epoch ms); tests move it. */
  readonly now?: (() => number) | undefined;
  /** Wait between two looks at the queue when there was nothing to do. */
  readonly pollIntervalMs: number;
  /** Where requests go; default an undici Agent owned by the worker. */
  readonly dispatcher?: Dispatcher | undefined;
  readonly random?: (() => number) | undefined;
}

/**
 * Delivers the outbox: fans the change feed and lifecycle events out to the destinations, then
 * claims due events (in order per key) and POSTs them, signed. A failure waits with exponential
 * backoff until the destination's retry window is over, then becomes a dead letter; 410 Gone
 * disables the destination; a breaker per endpoint holds events back while it fails. Any number of
 * daemons can run one: claims skip locked rows and a lease brings back the events of a dead one.
 * @example
 * const worker = new OutboundWorker({ db, destinations, log, pollIntervalMs: 200 });
 * worker.start(); … await worker.stop();
 */
export class OutboundWorker {
  readonly #options: OutboundWorkerOptions;
  readonly #now: () => number;
  readonly #dispatchers: DispatcherSource;
  readonly #breakers = new Map<string, EndpointBreaker>();
  readonly #active: readonly Destination[];
  #disabled = new Map<string, string>();
  readonly #loop: ConsumerLoop;

  constructor(options: OutboundWorkerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#dispatchers = new DispatcherSource(options.dispatcher, { connections: DELIVERY_CONCURRENCY });
    this.#active = options.destinations.filter((d) => d.idle === undefined);
    for (const d of this.#active) this.#breakers.set(d.name, new EndpointBreaker(this.#now));
    this.#loop = new ConsumerLoop({
      pass: () => this.tick(),
      pollIntervalMs: options.pollIntervalMs,
      onError: (err) => options.log.warn({ err }, 'outbound delivery pass failed; trying again at the next poll'),
    });
  }

  /**
   * Starts the loop, also without an active destination: lifecycle events are written whatever the
   * config (migration 0011's triggers), and the loop is what takes them off their table.
   */
  start(): void {
    this.#loop.start();
  }

  /** Looks at the queue now instead of at the next poll. */
  wake(): void {
    this.#loop.wake();
  }

  /** Finishes the tick in progress (deliveries in flight end or time out), then stops. */
  async stop(): Promise<void> {
    await this.#loop.stop();
    // A last fan-out (no delivery, so shutdown does not wait on endpoints): what was committed
    // before the stop is queued, and no lifecycle event is left behind in its table.
    if (this.#loop.started) {
      await this.#fanOut(new Date(this.#now())).catch((err: unknown) => this.#options.log.warn({ err }, 'last outbound fan-out failed; the next daemon does it'));
    }
    await this.#dispatchers.close();
  }

  /** One pass: fan out, then deliver what is due. Resolves whether there was anything to do. */
  async tick(): Promise<boolean> {
    const { db } = this.#options;
    const busy = await this.#fanOut(new Date(this.#now()));
    this.#disabled = new Map((await listDisabledDestinations(db)).map((d) => [d.name, d.url]));
    const sent = await Promise.all(this.#active.filter((d) => this.#disabled.get(d.name) !== d.url).map((d) => this.#deliverDue(d)));
    return busy || sent.some((n) => n > 0);
  }

  /** Queues what the feed and the lifecycle table hold, a few pages at most; resolves whether there was any. */
  async #fanOut(now: Date): Promise<boolean> {
    const { db } = this.#options;
    let busy = false;
    for (let page = 0; page < FAN_OUT_PAGES_PER_TICK; page += 1) {
      const taken = (await fanOutLifecycle(db, this.#active, now)) + (await fanOutChanges(db, this.#active, now));
      if (taken === 0) break;
      busy = true;
    }
    return busy;
  }

  async #deliverDue(destination: Destination): Promise<number> {
    const breaker = this.#breakers.get(destination.name)!;
    const limit = Math.min(DELIVERY_CONCURRENCY, breaker.admits());
    if (limit === 0) return 0;
    const now = this.#now();
    // The lease outlasts an attempt: a live worker's event is never taken over mid-delivery.
    const leaseMs = destination.timeoutMs * 2 + 30_000;
    const rows = await claimOutboundEvents(this.#options.db, { destinations: [destination.name], now: new Date(now), leaseMs, limit });
    if (rows.length === 0) {
      // A probe that found nothing to send leaves the breaker half open for the next one.
      breaker.release();
      return 0;
    }
    const delivered = await Promise.all(rows.map((row) => this.#deliverOne(destination, breaker, row)));
    // One statement for the claim's deliveries; the key's next event is claimable after it.
    await markOutboundDelivered(this.#options.db, rows.filter((_, i) => delivered[i]).map((row) => row.id), new Date(this.#now()));
    return rows.length;
  }

  /** Delivers one claimed event; resolves true when it was (the caller marks it), else records what happened. */
  async #deliverOne(destination: Destination, breaker: EndpointBreaker, row: OutboundEventRow): Promise<boolean> {
    const { db, log } = this.#options;
    const outcome = await deliverEvent(await this.#dispatchers.get(), destination, row, this.#now());
    const now = this.#now();
    if (outcome.kind === 'delivered') {
      this.#breakerChanged(destination, breaker.record(true));
      return true;
    }
    if (outcome.kind === 'gone') {
      const error = OUTBOUND_DESTINATION_GONE({ destination: destination.name });
      if (this.#disabled.get(destination.name) !== destination.url) log.error({ code: error.code, destination: destination.name, event: row.eventId }, error.message);
      this.#disabled.set(destination.name, destination.url);
      await disableOutboundDestination(db, destination.name, destination.url, error.message);
      await releaseOutboundEvent(db, row.id, new Date(now));
      return false;
    }
    this.#breakerChanged(destination, breaker.record(false));
    const nextAt = now + retryDelayMs(row.attempts, this.#options.random);
    if (nextAt - row.windowFrom.getTime() <= destination.retryWindowMs) {
      log.debug({ destination: destination.name, event: row.eventId, attempts: row.attempts, reason: outcome.reason }, 'outbound event not delivered; retrying later');
      await retryOutboundEvent(db, row.id, new Date(nextAt), outcome.reason);
      return false;
    }
    const error = OUTBOUND_DELIVERY_FAILED({ destination: destination.name, eventId: row.eventId, attempts: row.attempts, reason: outcome.reason });
    await db.transaction(async (tx) => {
      if (!(await killOutboundEvent(tx, row.id, outcome.reason))) return;
      await insertDeadLetters(tx, [
        {
          sourceKind: 'outbound',
          // dead_letters.connector is required: lifecycle events of the daemon itself name none.
          connector: row.connector ?? 'connectd',
          connectionId: row.connectionId,
          stream: destination.name,
          payload: { outbound_id: row.id, event_id: row.eventId, destination: destination.name, type: row.type },
          errorCode: error.code,
          reason: error.message,
        },
      ]);
    });
    log.warn({ code: error.code, destination: destination.name, event: row.eventId }, error.message);
    return false;
  }

  #breakerChanged(destination: Destination, change: 'opened' | 'closed' | undefined): void {
    if (change === 'opened') this.#options.log.warn({ destination: destination.name }, 'destination breaker opened: its endpoint keeps failing; events wait');
    if (change === 'closed') this.#options.log.info({ destination: destination.name }, 'destination breaker closed: its endpoint answers again');
  }
}
