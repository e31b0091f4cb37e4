import type { ConnectionInfo } from '../connector/index.js';
import type { Project } from '../project/index.js';
import type { RoutableConnection } from '../store/index.js';
import type { ConnectionDirectory } from '../webhooks/index.js';
import type { ConnectionStore } from './ports.js';

/** How long a connection found in the store is remembered for routing. */
export const CONNECTION_CACHE_TTL_MS = 30_000;

const fromRow = (row: RoutableConnection): ConnectionInfo => ({ id: row.id, tenant: row.tenantId, config: row.config });

/** The directory of connections webhooks route to, plus lookup by id for replays. */
export interface WebhookConnectionDirectory extends ConnectionDirectory {
  /** A connection of `connector` by id: declared in YAML or stored (OAuth, admin API); undefined when unknown. */
  byId(connector: string, connectionId: string): Promise<ConnectionInfo | undefined>;
}

/**
 * Routes webhook events to connections. A routing key matches a YAML-declared connection's
 * `config.account_id`, else a stored connection's `vendor_account_id` (connections made through
 * OAuth record it). Without a declared route, the connector's only connection takes the event.
 * @example
 * const directory = createConnectionDirectory(project, store);
 * await directory.resolve('square', 'ML1234'); // { ok: true, connection } or { ok: false, reason }
 */
export function createConnectionDirectory(project: Project, store: ConnectionStore, now: () => number = Date.now): WebhookConnectionDirectory {
  const declared = new Map<string, ConnectionInfo[]>();
  for (const { connector, connection } of project.activeDeclaredConnections()) declared.set(connector, [...(declared.get(connector) ?? []), connection]);
  // Only hits are cached: a connection made a moment ago must be found by the next event.
  const cache = new Map<string, { connection: ConnectionInfo; until: number }>();

  const stored = async (connector: string, key: string | undefined): Promise<RoutableConnection[]> => {
    const rows = await store.findRoutable(connector, key);
    // A YAML connection is in the store too (without an account id); count each once.
    const yamlIds = new Set((declared.get(connector) ?? []).map((c) => c.id));
    return key === undefined ? rows.filter((r) => !yamlIds.has(r.id)) : rows;
  };

  return {
    async resolve(connector, routingKey) {
      const yaml = declared.get(connector) ?? [];
      if (routingKey === undefined) {
        const all = [...yaml, ...(await stored(connector, undefined)).map(fromRow)];
        if (all.length === 1) return { ok: true, connection: all[0]! };
        return {
          ok: false,
          reason: all.length === 0 ? 'the connector has no connection' : `the connector has ${all.length} connections and declares no webhooks.route to choose one`,
        };
      }
      const byAccount = yaml.find((c) => c.config['account_id'] !== undefined && String(c.config['account_id']) === routingKey);
      if (byAccount !== undefined) return { ok: true, connection: byAccount };
      const key = `${connector}\u0000${routingKey}`;
      const hit = cache.get(key);
      if (hit !== undefined && hit.until > now()) return { ok: true, connection: hit.connection };
      const [row] = await stored(connector, routingKey);
      if (row === undefined) return { ok: false, reason: 'no connection has this account id (config.account_id or vendor_account_id)' };
      const connection = fromRow(row);
      cache.set(key, { connection, until: now() + CONNECTION_CACHE_TTL_MS });
      return { ok: true, connection };
    },

    async byId(connector, connectionId) {
      const yaml = (declared.get(connector) ?? []).find((c) => c.id === connectionId);
      if (yaml !== undefined) return yaml;
      const row = await store.getRoutable(connectionId);
      return row === undefined || row.connector !== connector ? undefined : fromRow(row);
    },
  };
}
