/**
 * One stored event, from bytes to what the store should do with it: parse, read its type, find
 * its mapping, route it to a connection, pick its records and map them. Nothing is written here;
 * the processor settles a whole batch in one transaction.
 */
import type { ConnectionInfo } from '../../connector/index.js';
import {
  isConnectdError,
  WEBHOOK_PROCESSING_FAILED,
  WEBHOOK_PROCESSING_FETCH_FAILED,
  WEBHOOK_PROCESSING_FETCH_PARAM,
  WEBHOOK_PROCESSING_INVALID_JSON,
  WEBHOOK_PROCESSING_RECORDS_PATH,
  WEBHOOK_PROCESSING_UNKNOWN_CONNECTION,
  WEBHOOK_PROCESSING_UNKNOWN_CONNECTOR,
  type ConnectdError,
} from '../../errors/index.js';
import { parseJson } from '../../json/index.js';
import type { EntityCatalog, MappingBindings } from '../../mapping/index.js';
import type { CompiledWebhooks } from '../compile.js';
import type { CompiledFetch, EventAction } from '../event-action.js';
import type { ConnectionDirectory, DeadLetterReason, EventFetcher, EventSettlement, InboxEvent } from './types.js';

/** What preparing an event needs; lookups and bindings are shared by the events of one batch. */
export interface PrepareContext {
  readonly connectors: ReadonlyMap<string, CompiledWebhooks>;
  readonly directory: ConnectionDirectory;
  readonly catalog: EntityCatalog;
  /** Sends follow-up fetches; without it an event that declares one is retried until it is dead. */
  readonly fetcher?: EventFetcher | undefined;
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
    return { ok: true, body: parseJson(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/**
 * Prepares one event. Config and data problems end the event (ignored: no declaration for its
 * type; dead: unknown connector or connection, a body that is not JSON, a records path that
 * fails, a follow-up fetch whose object is gone); failing records become record failures of a
 * processed event; anything else (the store, the vendor down, a bug) is a retry.
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

  const routed = { event, eventType, routingKey, connection: resolved.connection };
  return settle(declared.action, body, routed, ctx);
}

/** An event routed to its connection: what every action starts from. */
interface RoutedEvent {
  readonly event: InboxEvent;
  readonly eventType: string;
  readonly routingKey: string | undefined;
  readonly connection: ConnectionInfo;
}

const NO_ROWS = { rows: [], failures: [] } as const;

async function settle(action: EventAction, body: unknown, routed: RoutedEvent, ctx: PrepareContext): Promise<PreparedEvent> {
  const { event, eventType, routingKey } = routed;
  switch (action.kind) {
    case 'run_stream':
      return { settlement: { kind: 'processed', ...routed, ...NO_ROWS, effect: { kind: 'run_stream', stream: action.stream } } };
    case 'mark_connection': {
      const reason = `the vendor said so in webhook event "${eventType}" (inbox ${event.id})`;
      return { settlement: { kind: 'processed', ...routed, ...NO_ROWS, effect: { kind: 'mark_connection', status: action.status, reason } } };
    }
    case 'erase_connection_data':
      return { settlement: { kind: 'processed', ...routed, ...NO_ROWS, effect: { kind: 'erase_connection_data' } } };
    case 'record':
      return { settlement: { kind: 'processed', ...routed, ...NO_ROWS, effect: { kind: 'record', note: action.note } } };
    case 'map':
      break;
  }
  let source = body;
  if (action.fetch !== undefined) {
    const fetched = await fetchFollowUp(action.fetch, body, routed, ctx);
    if ('settlement' in fetched || 'retry' in fetched) return fetched;
    source = fetched.body;
  }
  let records: unknown[];
  try {
    records = await action.records(source);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return dead(event, 'records_path', WEBHOOK_PROCESSING_RECORDS_PATH({ connector: event.connector, eventType, reason }, { cause: err }), eventType, routingKey);
  }
  // The mapper rejects only for failures of the run (the vendor-id map unreadable): a retry.
  const { rows, failures } = await action.mapper.map(records, ctx.bindingsFor(event.connector, routed.connection));
  return { settlement: { kind: 'processed', ...routed, rows, failures } };
}

/** Statuses that say the object is gone: fetching again will not bring it back, so the event ends dead (replayable). */
const GONE = new Set([404, 410]);

/** The full object an event summarises, or how the event ends when it cannot be had. */
async function fetchFollowUp(fetch: CompiledFetch, body: unknown, routed: RoutedEvent, ctx: PrepareContext): Promise<PreparedEvent | { readonly body: unknown }> {
  const { event, eventType, routingKey } = routed;
  const connector = event.connector;
  let params;
  try {
    params = await fetch.params(body);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return dead(event, 'fetch_failed', WEBHOOK_PROCESSING_FETCH_FAILED({ connector, eventType, reason }, { cause: err }), eventType, routingKey);
  }
  if ('missing' in params) return dead(event, 'fetch_failed', WEBHOOK_PROCESSING_FETCH_PARAM({ connector, eventType, param: params.missing }), eventType, routingKey);
  if (ctx.fetcher === undefined) {
    return { retry: WEBHOOK_PROCESSING_FETCH_FAILED({ connector, eventType, reason: 'this process cannot reach vendors (no connection runtimes)' }) };
  }
  const answer = await ctx.fetcher.fetch(connector, routed.connection, (values) => fetch.render({ ...values, ...params.values }));
  if (answer.ok) return { body: answer.body };
  const error = WEBHOOK_PROCESSING_FETCH_FAILED({ connector, eventType, status: answer.status, reason: GONE.has(answer.status) ? 'the object is gone' : 'the vendor refused it' });
  return GONE.has(answer.status) ? dead(event, 'fetch_failed', error, eventType, routingKey) : { retry: error };
}
