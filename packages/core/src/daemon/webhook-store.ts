import type { ConnectionInfo } from '../connector/index.js';
import {
  claimInboxEvents,
  findRoutableConnections,
  getRoutableConnection,
  insertDeadLetters,
  lookupVendorIds,
  retryInboxEvents,
  settleInboxEvents,
  type Database,
  type RoutableConnection,
} from '../store/index.js';
import {
  webhookRecordDeadLetter,
  type ConnectionDirectory,
  type EventSettlement,
  type WebhookEventStore,
} from '../webhooks/index.js';
import { declaredConnections } from './connection-runtimes.js';
import type { EntityWriter } from './entity-writer.js';
import type { Project } from './project.js';

/**
 * The inbox processor's store over the store's repositories: claims, the settlement of a batch in
 * one transaction (inbox rows first, then entities through the sync write path, then dead
 * letters), retries and vendor-id lookups.
 * @example
 * const store = createWebhookEventStore(db, createEntityWriter(project.catalog, project.customTables));
 */
export function createWebhookEventStore(db: Database, writer: EntityWriter): WebhookEventStore {
  return {
    async claim(request) {
      const { events, exhausted } = await claimInboxEvents(db, request);
      return { events, exhausted };
    },

    async settle(claimedBy, settlements) {
      return db.transaction(async (tx) => {
        const settled = await settleInboxEvents(
          tx,
          claimedBy,
          settlements.map((s) => ({
            id: s.event.id,
            status: s.kind,
            eventType: s.eventType ?? null,
            routingKey: s.routingKey ?? null,
            ...(s.kind === 'processed' ? { connectionId: s.connection.id } : {}),
            ...(s.kind === 'dead' ? { errorCode: s.code, reason: s.message } : {}),
          })),
        );
        const processed = settlements.filter((s): s is Extract<EventSettlement, { kind: 'processed' }> => s.kind === 'processed' && settled.has(s.event.id));
        // One upsert per (entity, connection) of the batch; rows keep arrival order, so of two
        // events for one key the later wins unless it is older by vendor_updated_at.
        const groups = new Map<string, { settlement: (typeof processed)[number]; rows: Array<(typeof processed)[number]['rows'][number]> }>();
        for (const s of processed) {
          const key = `${s.entity}\u0000${s.event.connector}\u0000${s.connection.id}`;
          let group = groups.get(key);
          if (group === undefined) groups.set(key, (group = { settlement: s, rows: [] }));
          group.rows.push(...s.rows);
        }
        for (const { settlement, rows } of groups.values()) {
          await writer.write(tx, { entity: settlement.entity, connector: settlement.event.connector, connection: settlement.connection, rows });
        }
        const letters = processed.flatMap((s) =>
          s.failures.map((failure) => ({
            sourceKind: 'webhook' as const,
            connector: s.event.connector,
            connectionId: s.connection.id,
            payload: webhookRecordDeadLetter(s.event.id, s.eventType, failure.record),
            errorCode: failure.code,
            reason: failure.reason,
          })),
        );
        if (letters.length > 0) await insertDeadLetters(tx, letters);
        return settled;
      });
    },

    async retry(claimedBy, retries, maxAttempts) {
      const { dead } = await retryInboxEvents(
        db,
        claimedBy,
        retries.map((r) => ({ id: r.event.id, delayMs: r.delayMs, errorCode: r.code, reason: r.message })),
        maxAttempts,
      );
      return dead;
    },

    lookupVendorIds: (tenant, connector, kind, vendorIds) => lookupVendorIds(db, tenant, connector, kind, vendorIds),
  };
}

/** How long a connection found in the store is remembered for routing. */
export const CONNECTION_CACHE_TTL_MS = 30_000;

const fromRow = (row: RoutableConnection): ConnectionInfo => ({ id: row.id, tenant: row.tenantId, config: row.config });

/** The directory of connections webhooks route to, plus lookup by id for replays. */
export interface WebhookConnectionDirectory extends ConnectionDirectory {
  /** A connection of `connector` by id: declared in YAML or stored (OAuth); undefined when unknown. */
  byId(connector: string, connectionId: string): Promise<ConnectionInfo | undefined>;
}

/**
 * Routes webhook events to connections. A routing key matches a YAML-declared connection's
 * `config.account_id`, else a stored connection's `vendor_account_id` (connections made through
 * OAuth). Without a declared route, the connector's only connection takes the event. Declared
 * connections are those of active connectors; the daemon records them in the store at start.
 * @example
 * const directory = createConnectionDirectory(project, store.db);
 * await directory.resolve('square', 'ML1234'); // { ok: true, connection } or { ok: false, reason }
 */
export function createConnectionDirectory(project: Project, db: Database, now: () => number = Date.now): WebhookConnectionDirectory {
  const idle = new Set(project.idleConnectors.map((c) => c.connector));
  const declared = new Map<string, ConnectionInfo[]>();
  for (const [name, connector] of Object.entries(project.config.connectors)) {
    if (!idle.has(name)) declared.set(name, declaredConnections(name, connector));
  }
  // Only hits are cached: a connection made a moment ago must be found by the next event.
  const cache = new Map<string, { connection: ConnectionInfo; until: number }>();

  const stored = async (connector: string, key: string | undefined): Promise<RoutableConnection[]> => {
    const rows = await findRoutableConnections(db, connector, key);
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
      const row = await getRoutableConnection(db, connectionId);
      return row === undefined || row.connector !== connector ? undefined : fromRow(row);
    },
  };
}
