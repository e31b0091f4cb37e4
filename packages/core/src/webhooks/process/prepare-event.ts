/**
 * One stored event, from bytes to what the store should do with it: parse, read its type, find
 * its mapping, route it to a connection, pick its records and map them. Nothing is written here;
 * the processor settles a whole batch in one transaction.
 */
import type { ConnectionInfo } from '../../connector/index.js';
import {
  isConnectdError,
  WEBHOOK_PROCESSING_FAILED,
  WEBHOOK_PROCESSING_INVALID_JSON,
  WEBHOOK_PROCESSING_RECORDS_PATH,
  WEBHOOK_PROCESSING_UNKNOWN_CONNECTION,
  WEBHOOK_PROCESSING_UNKNOWN_CONNECTOR,
  type ConnectdError,
} from '../../errors/index.js';
import { mapRecords, type EntityCatalog, type IdLookups, type MappingBindings } from '../../mapping/index.js';
import type { CompiledWebhooks } from './compile.js';
import type { ConnectionDirectory, DeadLetterReason, EventSettlement, InboxEvent } from './types.js';

/** What preparing an event needs; lookups and bindings are shared by the events of one batch. */
export interface PrepareContext {
  readonly connectors: ReadonlyMap<string, CompiledWebhooks>;
  readonly directory: ConnectionDirectory;
  readonly catalog: EntityCatalog;
  /** The `$store()`/`$product()` lookups of one connection, cached for the batch. */
  bindingsFor(connector: string, connection: ConnectionInfo): MappingBindings;
}

/** Either how the event ends, or a failure of the whole event to retry later. */
export type PreparedEvent = { readonly settlement: EventSettlement } | { readonly retry: ConnectdError };

function dead(event: InboxEvent, reason: DeadLetterReason, error: ConnectdError, eventType?: string, routingKey?: string): PreparedEvent {
  return { settlement: { kind: 'dead', event, eventType, routingKey, reason, code: error.code, message: error.message } };
}

function parse(raw: Buffer): { ok: true; body: unknown } | { ok: false } {
  try {
    return { ok: true, body: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/**
 * Prepares one event. Config and data problems end the event (ignored: no mapping for its type;
 * dead: unknown connector or connection, a body that is not JSON, a records path that fails);
 * failing records become record failures of a processed event; anything else (the store, a bug)
 * is a retry.
 * @example
 * const prepared = await prepareEvent(event, context);
 * if ('retry' in prepared) retries.push(prepared.retry); else settlements.push(prepared.settlement);
 */
export async function prepareEvent(event: InboxEvent, ctx: PrepareContext): Promise<PreparedEvent> {
  try {
    return await prepare(event, ctx);
  } catch (err) {
    if (isConnectdError(err)) return { retry: err };
    const reason = err instanceof Error ? err.message : String(err);
    return { retry: WEBHOOK_PROCESSING_FAILED({ connector: event.connector, inboxId: event.id, reason }, { cause: err }) };
  }
}

async function prepare(event: InboxEvent, ctx: PrepareContext): Promise<PreparedEvent> {
  const compiled = ctx.connectors.get(event.connector);
  if (compiled === undefined) return dead(event, 'unknown_connector', WEBHOOK_PROCESSING_UNKNOWN_CONNECTOR({ connector: event.connector }));
  const parsed = parse(event.rawBody);
  if (!parsed.ok) return dead(event, 'invalid_json', WEBHOOK_PROCESSING_INVALID_JSON({ connector: event.connector, inboxId: event.id }));
  const { body } = parsed;

  const eventType = event.eventType ?? (await compiled.eventTypeOf?.(event.headers, body));
  const declared = eventType === undefined ? undefined : compiled.events.get(eventType);
  const routingKey = compiled.routeOf === undefined ? undefined : (event.routingKey ?? (await compiled.routeOf(event.headers, body)));
  if (eventType === undefined || declared === undefined) return { settlement: { kind: 'ignored', event, eventType, routingKey } };

  if (compiled.routeOf !== undefined && routingKey === undefined) {
    const error = WEBHOOK_PROCESSING_UNKNOWN_CONNECTION({ connector: event.connector, routingKey: '', reason: 'the event carries no value at webhooks.route' });
    return dead(event, 'unknown_connection', error, eventType);
  }
  const resolved = await ctx.directory.resolve(event.connector, routingKey);
  if (!resolved.ok) {
    const error = WEBHOOK_PROCESSING_UNKNOWN_CONNECTION({ connector: event.connector, routingKey: routingKey ?? '', reason: resolved.reason });
    return dead(event, 'unknown_connection', error, eventType, routingKey);
  }

  let records: unknown[];
  try {
    records = await declared.records(body);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return dead(event, 'records_path', WEBHOOK_PROCESSING_RECORDS_PATH({ connector: event.connector, eventType, reason }, { cause: err }), eventType, routingKey);
  }
  // mapRecords rejects only for failures of the run (the vendor-id map unreadable): a retry.
  const mapped = await mapRecords(records, declared.mapping, declared.entity, ctx.catalog, ctx.bindingsFor(event.connector, resolved.connection));
  return {
    settlement: {
      kind: 'processed',
      event,
      eventType,
      routingKey,
      connection: resolved.connection,
      entity: declared.entity,
      rows: mapped.entities.map((e) => ({ naturalKey: e.naturalKey, value: e.value })),
      failures: mapped.failures.map((f) => ({ record: f.record, code: f.code, reason: f.reason })),
    },
  };
}

/** `$store()`/`$product()` lookups through the store, cached per tenant and connector for one batch. */
export function cachedLookups(
  lookup: (tenant: string, connector: string, kind: string, ids: readonly string[]) => Promise<ReadonlyMap<string, string>>,
  connector: string,
  tenant: string,
): IdLookups & { store(vendorId: string): Promise<string | undefined>; product(vendorId: string): Promise<string | undefined> } {
  const caches = new Map<string, Map<string, Promise<string | undefined>>>();
  const find = (kind: string) => (vendorId: string): Promise<string | undefined> => {
    let cache = caches.get(kind);
    if (cache === undefined) caches.set(kind, (cache = new Map()));
    let found = cache.get(vendorId);
    if (found === undefined) {
      found = lookup(tenant, connector, kind, [vendorId]).then((map) => map.get(vendorId));
      cache.set(vendorId, found);
    }
    return found;
  };
  return { store: find('store'), product: find('product') };
}
