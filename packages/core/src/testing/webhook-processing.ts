// Shared by the webhook processing and replay suites: a project with two webhook connectors, the
// processor and the replayer over a real store as the daemon composes them, and helpers to put
// deliveries in the inbox the way the intake does.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnectionDirectory } from '../connections/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { createConnectionStore, createEntityWriter, createReplayStore, createWebhookEventStore } from '../persist/index.js';
import { loadProject, type Project } from '../project/index.js';
import { DeadLetterReplayer } from '../replay/index.js';
import { insertInboxRows, upsertDeclaredConnection, type Store } from '../store/index.js';
import { InboxProcessor, type InboxProcessorOptions, type WebhookEventStore } from '../webhooks/index.js';

export const silentLog: Logger = createLogger({ level: 'silent', destination: { write: () => undefined } });

/** storq: one implicit connection, no route. pos: two YAML connections routed by `$.merchant_id`. */
export const STORQ_MAP = '{ "product": data.object.sku, "quantity": data.object.quantity, "vendor_updated_at": data.object.updated_at }';
export const POS_MAP = '{ "store": $store(location_id), "product": sku, "quantity": $number(quantity), "vendor_updated_at": calculated_at }';

export function projectYaml(options: { storqMap?: string; extraPosConnection?: boolean } = {}): string {
  return `version: 1
connectors:
  storq:
    base_url: http://127.0.0.1:9/api
    webhooks:
      verify: { type: hmac, header: Storq-Signature, algorithm: sha256, encoding: hex, secret: whsec-storq-0123456789 }
      event_id: $.id
      event_type: $.type
      events:
        stock.updated:
          entity: inventory_level
          map: '${options.storqMap ?? STORQ_MAP}'
    streams:
      stock:
        request: { path: /stock }
        records: $.stock
        entity: inventory_level
        map: '{ "product": sku, "quantity": quantity }'
  pos:
    base_url: http://127.0.0.1:9/pos
    connections:
      - { id: pos-acme, tenant: acme, config: { account_id: M-ACME } }
      - { id: pos-globex, tenant: globex, config: { account_id: M-GLOBEX } }${options.extraPosConnection === true ? '\n      - { id: pos-late, tenant: late, config: { account_id: M-LATE } }' : ''}
    webhooks:
      verify: { type: hmac, header: X-Pos-Signature, encoding: base64, secret: whsec-pos-0123456789 }
      event_id: $.event_id
      event_type: $.type
      route: $.merchant_id
      events:
        inventory.count.updated:
          entity: inventory_level
          records: $.data.counts
          map: '${POS_MAP}'
`;
}

/** Writes the YAML to a fresh folder and loads it as the daemon does. */
export async function loadTestProject(yaml: string = projectYaml()): Promise<Project> {
  const dir = mkdtempSync(join(tmpdir(), 'connectd-webhooks-'));
  const path = join(dir, 'connectors.yaml');
  writeFileSync(path, yaml);
  return loadProject(path, {});
}

/** The processor over `store` as the daemon composes it; `wrap` may replace store operations (fault injection). */
export async function processorFor(
  project: Project,
  store: Store,
  options: Partial<InboxProcessorOptions> & { wrap?: (inner: WebhookEventStore) => WebhookEventStore } = {},
): Promise<InboxProcessor> {
  for (const [name, id, tenant] of [['storq', 'storq', 'default'], ['pos', 'pos-acme', 'acme'], ['pos', 'pos-globex', 'globex']] as const) {
    await upsertDeclaredConnection(store.db, { id, connector: name, tenantId: tenant });
  }
  const inner = createWebhookEventStore(store.db, createEntityWriter(project.catalog));
  const { wrap, ...rest } = options;
  return new InboxProcessor({
    store: wrap === undefined ? inner : wrap(inner),
    directory: createConnectionDirectory(project, createConnectionStore(store.db)),
    connectors: project.activeWebhooks(),
    catalog: project.catalog,
    log: silentLog,
    random: () => 0,
    ...rest,
  });
}

/** The replayer over `store` as the daemon composes it, for `project` (the config as it is now). */
export function replayerFor(project: Project, store: Store, onRequeued?: (what: 'webhook' | 'job') => void): DeadLetterReplayer {
  const directory = createConnectionDirectory(project, createConnectionStore(store.db));
  return new DeadLetterReplayer({
    store: createReplayStore(store.db, createEntityWriter(project.catalog)),
    catalog: project.catalog,
    webhookEvent: (connector, type) => project.webhooks(connector)?.events.get(type),
    stream: (connector, stream) => project.streams(connector).get(stream),
    connection: (connector, id) => directory.byId(connector, id),
    log: silentLog,
    onRequeued,
  });
}

/** A storq `stock.updated` event as the vendor sends it. */
export function storqEvent(id: string, sku: string, quantity: number, updatedAt?: string): Record<string, unknown> {
  return { id, type: 'stock.updated', data: { object: { sku, quantity, ...(updatedAt === undefined ? {} : { updated_at: updatedAt }) } } };
}

/** A pos inventory event for a merchant with its counts. */
export function posEvent(eventId: string, merchant: string, counts: Array<{ location_id: string; sku: string; quantity: string; calculated_at?: string }>): Record<string, unknown> {
  return { event_id: eventId, type: 'inventory.count.updated', merchant_id: merchant, data: { counts } };
}

/**
 * Stores deliveries through the intake's inbox writer, keys read the way the intake reads them
 * (dedupe key and type from the body; routing key left for processing to read).
 */
export async function deliver(store: Store, connector: string, bodies: ReadonlyArray<Record<string, unknown> | Buffer>): Promise<Array<string | 'duplicate'>> {
  const outcomes = await insertInboxRows(
    store.db,
    bodies.map((body, i) => {
      const raw = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      const parsed = Buffer.isBuffer(body) ? {} : body;
      const dedupeKey = String(parsed['id'] ?? parsed['event_id'] ?? `raw-${Date.now()}-${i}-${Math.random()}`);
      return { connector, routingKey: null, dedupeKey, eventType: typeof parsed['type'] === 'string' ? parsed['type'] : null, headers: { 'content-type': 'application/json' }, rawBody: raw };
    }),
  );
  return outcomes.map((o) => (o.duplicate ? 'duplicate' : o.id));
}

export interface InboxState {
  status: string;
  attempts: number;
  connection_id: string | null;
  last_error: string | null;
  next_attempt_at: Date;
}

export async function inboxRow(store: Store, id: string): Promise<InboxState> {
  const { rows } = await store.db.query<InboxState>(
    `select status, attempts, connection_id, last_error, next_attempt_at from connectd_engine.webhook_inbox where id = $1`,
    [id],
  );
  return rows[0]!;
}

export async function levels(store: Store): Promise<Array<{ tenant_id: string; natural_key: string; quantity: string; connection_id: string }>> {
  const { rows } = await store.db.query<{ tenant_id: string; natural_key: string; quantity: string; connection_id: string }>(
    `select tenant_id, natural_key, quantity::text as quantity, connection_id from connectd.inventory_levels order by tenant_id, natural_key`,
  );
  return rows;
}

export async function deadLetters(store: Store): Promise<Array<{ id: string; source_kind: string; connector: string; connection_id: string | null; error_code: string; payload: Record<string, unknown> | null; raw: Buffer | null; replayed_at: Date | null }>> {
  const { rows } = await store.db.query<{ id: string; source_kind: string; connector: string; connection_id: string | null; error_code: string; payload: Record<string, unknown> | null; raw: Buffer | null; replayed_at: Date | null }>(
    `select id::text as id, source_kind, connector, connection_id, error_code, payload, raw, replayed_at from connectd_engine.dead_letters order by id`,
  );
  return rows;
}

/** Remembers a store's vendor id so `$store(location_id)` resolves. */
export async function knownLocation(store: Store, tenant: string, vendorId: string, naturalKey: string): Promise<void> {
  await store.db.query(
    `insert into connectd_engine.vendor_id_map (tenant_id, connector, kind, vendor_id, natural_key) values ($1, 'pos', 'store', $2, $3)`,
    [tenant, vendorId, naturalKey],
  );
}
