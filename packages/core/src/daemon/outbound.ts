import { readFileSync } from 'node:fs';
import { compileDestinations, emitLifecycleEvent, OutboundWorker, destinationReports, type Destination } from '../destinations/index.js';
import type { HttpMetrics } from '../http/index.js';
import type { Logger, SecretValues } from '../log/index.js';
import type { Project } from '../project/index.js';
import type { Database } from '../store/index.js';
import type { DestinationStatus } from '../status/index.js';

/**
 * Tests only: a file holding milliseconds added to the wall clock of outbound delivery (retries,
 * retry windows, leases), so a process test simulates an outage of minutes or days without
 * waiting. Read at every look at the clock; a missing or unreadable file adds nothing.
 */
export const OUTBOUND_CLOCK_OFFSET_FILE_ENV = 'CONNECTD_TEST_OUTBOUND_CLOCK_OFFSET_FILE';

function outboundClock(env: Readonly<Record<string, string | undefined>>): () => number {
  const file = env[OUTBOUND_CLOCK_OFFSET_FILE_ENV];
  if (file === undefined || file === '') return Date.now;
  return () => {
    let offset = 0;
    try {
      offset = Number(readFileSync(file, 'utf8').trim()) || 0;
    } catch {
      // No file yet: no offset.
    }
    return Date.now() + offset;
  };
}

/** The daemon's outbound events: the compiled destinations, their worker, and their status. */
export interface Outbound {
  readonly destinations: readonly Destination[];
  readonly worker: OutboundWorker;
  status(): Promise<DestinationStatus[]>;
}

/**
 * Compiles `destinations:` and builds the delivery worker (started by the caller once the daemon
 * is up). Idle destinations are logged; their secrets join the values scrubbed from logs.
 */
export function createOutbound(options: {
  readonly project: Project;
  readonly db: Database;
  readonly log: Logger;
  readonly secrets: SecretValues;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pollIntervalMs: number;
}): Outbound {
  const { project, db, log } = options;
  const destinations = compileDestinations(project.config.destinations);
  for (const d of Object.values(project.config.destinations ?? {})) options.secrets.add(d.secret === '' ? undefined : d.secret);
  for (const d of destinations) {
    if (d.idle !== undefined) log.warn({ destination: d.name, reason: d.idle }, 'destination is idle: it sends no events');
  }
  const worker = new OutboundWorker({ db, destinations, log: log.child({ component: 'outbound' }), now: outboundClock(options.env), pollIntervalMs: options.pollIntervalMs });
  return { destinations, worker, status: () => destinationReports(db, destinations) };
}

/**
 * The HTTP metrics with a connection's breaker changes also recorded as lifecycle events
 * (`breaker.opened`, `breaker.closed`): http/ reports every change to its metrics, so the daemon
 * observes them there instead of teaching the breaker about destinations. The metrics call cannot
 * wait for the database, so the records of one connection are chained: they are written in the
 * order the breaker changed. `settled()` resolves once every record so far is written.
 */
export function withBreakerEvents(metrics: HttpMetrics, db: Database, log: Logger): HttpMetrics & { settled(): Promise<void> } {
  const last = new Map<string, string>();
  const writes = new Map<string, Promise<void>>();
  return {
    attempt: (event) => metrics.attempt(event),
    rateLimitWait: (event) => metrics.rateLimitWait(event),
    breakerState(event) {
      metrics.breakerState(event);
      const before = last.get(event.connection) ?? 'closed';
      last.set(event.connection, event.state);
      // Opened when it leaves closed, closed when it is back: a failed probe (half open, then open
      // again) is the same outage, not a new one.
      const type = event.state === 'open' && before === 'closed' ? 'breaker.opened' : event.state === 'closed' && before !== 'closed' ? 'breaker.closed' : undefined;
      if (type === undefined) return;
      // The runtime names a connection `<connector>:<connection id>`.
      const split = event.connection.indexOf(':');
      const connector = split === -1 ? null : event.connection.slice(0, split);
      const connection = split === -1 ? event.connection : event.connection.slice(split + 1);
      const write = (writes.get(event.connection) ?? Promise.resolve())
        .then(() => emitLifecycleEvent(db, { type, connector, connection, data: { state: event.state } }))
        .catch((err: unknown) => log.warn({ err, connection: event.connection }, 'could not record the breaker change for the destinations'));
      writes.set(event.connection, write);
    },
    async settled() {
      await Promise.all(writes.values());
    },
  };
}
