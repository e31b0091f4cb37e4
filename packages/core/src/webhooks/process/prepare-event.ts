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
import { mapToRows, type EntityCatalog, type MappingBindings } from '../../mapping/index.js';
import type { CompiledWebhooks } from '../compile.js';
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

  // The intake stored the keys it could read; a row from before a key was declared reads it now.
  const eventType = event.eventType ?? compiled.keys.eventType?.(event.headers, body);
  const declared = eventType === undefined ? undefined : compiled.events.get(eventType);
  const routingKey = compiled.keys.route === undefined ? undefined : (event.routingKey ?? compiled.keys.route(event.headers, body));
  if (eventType === undefined || declared === undefined) return { settlement: { kind: 'ignored', event, eventType, routingKey } };

  if (compiled.keys.route !== undefined && routingKey === undefined) {
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
  const { rows, failures } = await mapToRows(records, declared.mapping, declared.entity, ctx.catalog, ctx.bindingsFor(event.connector, resolved.connection));
  return {
    settlement: {
      kind: 'processed',
      event,
      eventType,
      routingKey,
      connection: resolved.connection,
      entity: declared.entity,
      rows,
      failures,
    },
  };
}
