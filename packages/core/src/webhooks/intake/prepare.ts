import { WEBHOOK_PATH_CONFLICT } from '../../errors/index.js';
import type { WebhookVerifierRuntime } from '../../connector/index.js';
import type { KeyExtractor } from '../keys.js';
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
 * Prepares each connector's limits and kept headers once, at registration (its keys come compiled
 * with the project). Throws CONNECTD_ERR_WEBHOOK_PATH_CONFLICT when two connectors declare the
 * same extra path.
 */
export function prepareConnectors(
  connectors: ReadonlyMap<string, WebhookIntakeConnector>,
  globalLimitBytes: number,
): Map<string, PreparedConnector> {
  const prepared = new Map<string, PreparedConnector>();
  const paths = new Map<string, string>();
  for (const [name, c] of connectors) {
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
      eventId: c.keys.eventId,
      eventType: c.keys.eventType,
      route: c.keys.route,
      eventTypes: c.eventTypes,
      keptHeaders: keptHeaderNames(c.keys.headerNames, c.keepHeaders ?? []),
    });
  }
  return prepared;
}
