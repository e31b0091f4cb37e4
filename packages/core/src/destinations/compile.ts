import type { DestinationConfig } from '../config/index.js';
import { signingKey } from './signature.js';

/** The timeout of one delivery attempt when the destination sets none. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;
/** How long a failing event is retried before it becomes a dead letter when the destination sets nothing: 3 days. */
export const DEFAULT_RETRY_WINDOW_MS = 72 * 3_600_000;

/** A destination ready to deliver to, or idle with the reason. */
export interface Destination {
  readonly name: string;
  readonly url: string;
  /** Whether an event type is one the destination asked for. */
  accepts(type: string): boolean;
  readonly timeoutMs: number;
  readonly retryWindowMs: number;
  /** The signing key; undefined when the destination is idle. */
  readonly key: Buffer | undefined;
  /** Why the destination sends nothing (its secret or URL variable is not set); undefined when it runs. */
  readonly idle: string | undefined;
}

/**
 * An `events:` pattern as a test: `*` matches any run of characters, the rest literally.
 * @example
 * eventMatcher(['inventory_level.*', 'connection.*'])('inventory_level.updated'); // true
 */
export function eventMatcher(patterns: readonly string[]): (type: string) => boolean {
  const sources = patterns.map((p) => p.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*'));
  const re = new RegExp(`^(?:${sources.join('|')})$`);
  return (type) => re.test(type);
}

/**
 * Compiles `destinations:` once at load. A destination whose URL or secret is empty (its
 * variable is not set) is idle: it queues and sends nothing, and status says why.
 * @example
 * const [app] = compileDestinations({ app: { url, secret: 'whsec_…', events: ['order.*'] } });
 */
export function compileDestinations(config: Readonly<Record<string, DestinationConfig>> | undefined): Destination[] {
  return Object.entries(config ?? {}).map(([name, d]) => {
    const key = signingKey(d.secret);
    const missing = [d.url === '' ? 'url' : undefined, d.secret === '' ? 'secret' : undefined].filter((x) => x !== undefined);
    const idle = missing.length > 0 ? `its ${missing.join(' and ')} is not set (environment variable missing)` : key === undefined ? 'its secret is not a whsec_<base64> secret' : undefined;
    return {
      name,
      url: d.url,
      accepts: eventMatcher(d.events),
      timeoutMs: d.timeout_ms ?? DEFAULT_DELIVERY_TIMEOUT_MS,
      retryWindowMs: (d.retry_hours ?? DEFAULT_RETRY_WINDOW_MS / 3_600_000) * 3_600_000,
      key: idle === undefined ? key : undefined,
      idle,
    };
  });
}
