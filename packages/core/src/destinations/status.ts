import { countOutboundEvents, listDisabledDestinations, type Queryable } from '../store/index.js';
import type { Destination } from './compile.js';

/** One destination as `connectd status` shows it. */
export interface DestinationReport {
  readonly name: string;
  /** `idle`: a variable it needs is missing; `disabled`: its endpoint answered 410 Gone. */
  readonly state: 'active' | 'idle' | 'disabled';
  readonly reason?: string | undefined;
  /** Events waiting (pending or being delivered) and dead (open dead letters). */
  readonly pending: number;
  readonly dead: number;
}

/**
 * The destinations with their state and queue.
 * @example
 * const reports = await destinationReports(db, compileDestinations(config.destinations));
 */
export async function destinationReports(db: Queryable, destinations: readonly Destination[]): Promise<DestinationReport[]> {
  if (destinations.length === 0) return [];
  const [counts, disabled] = await Promise.all([countOutboundEvents(db), listDisabledDestinations(db)]);
  return destinations.map((d) => {
    const mine = counts.filter((c) => c.destination === d.name);
    const pending = mine.filter((c) => c.status === 'pending' || c.status === 'delivering').reduce((n, c) => n + c.count, 0);
    const dead = mine.filter((c) => c.status === 'dead').reduce((n, c) => n + c.count, 0);
    const gone = disabled.find((x) => x.name === d.name && x.url === d.url);
    if (d.idle !== undefined) return { name: d.name, state: 'idle', reason: d.idle, pending, dead };
    if (gone !== undefined) return { name: d.name, state: 'disabled', reason: gone.reason, pending, dead };
    return { name: d.name, state: 'active', pending, dead };
  });
}
