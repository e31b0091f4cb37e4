import { WEBHOOK_PATH_CONFLICT } from '../../errors/index.js';
import type { WebhookVerifierRuntime } from '../../connector/index.js';
import { compileKeyExtractor, type KeyExtractor } from './extract.js';
import { keptHeaderNames } from './kept-headers.js';
import type { WebhookIntakeConnector } from './types.js';

/** A connector's intake with everything compiled: what the route reads per request. */
export interface PreparedConnector {
  readonly name: string;
  readonly verifier: WebhookVerifierRuntime;
  readonly bodyLimitBytes: number;
  readonly path: string | undefined;
  readonly eventId: KeyExtractor | undefined;
  readonly eventType: KeyExtractor | undefined;
  readonly route: KeyExtractor | undefined;
  readonly eventTypes: ReadonlySet<string> | undefined;
  /** Lower-cased names of the headers stored with the row. */
  readonly keptHeaders: readonly string[];
}

/** The route every connector answers on, besides its own `path`. */
export const WEBHOOK_ROUTE = '/webhooks/:connector';

/**
 * Compiles each connector's key paths and limits once, at registration. Throws
 * CONNECTD_ERR_WEBHOOK_KEY_PATH_INVALID for a key that is neither a header nor a plain body path,
 * and CONNECTD_ERR_WEBHOOK_PATH_CONFLICT when two connectors declare the same extra path.
 */
export function prepareConnectors(
  connectors: ReadonlyMap<string, WebhookIntakeConnector>,
  globalLimitBytes: number,
): Map<string, PreparedConnector> {
  const prepared = new Map<string, PreparedConnector>();
  const paths = new Map<string, string>();
  for (const [name, c] of connectors) {
    const label = (key: string): string => `connectors.${name}.webhooks.${key}`;
    const compile = (spec: string | undefined, key: string): KeyExtractor | undefined =>
      spec === undefined ? undefined : compileKeyExtractor(spec, label(key));
    if (c.path !== undefined) {
      const other = paths.get(c.path);
      if (other !== undefined) throw WEBHOOK_PATH_CONFLICT({ path: c.path, connectors: [other, name] });
      paths.set(c.path, name);
    }
    prepared.set(name, {
      name,
      verifier: c.verifier,
      bodyLimitBytes: c.bodyLimitBytes ?? globalLimitBytes,
      path: c.path,
      eventId: compile(c.eventId, 'event_id'),
      eventType: compile(c.eventType, 'event_type'),
      route: compile(c.route, 'route'),
      eventTypes: c.eventTypes,
      keptHeaders: keptHeaderNames([c.eventId, c.eventType, c.route], c.keepHeaders ?? []),
    });
  }
  return prepared;
}
