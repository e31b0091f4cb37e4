/**
 * Runs one sample of `testPreset` against a compiled project: a vendor record (or page, or event)
 * through the stream's or webhook event's records path and mapping, each entity checked against
 * its schema, the result compared with what the sample expects.
 */
import type { MappingBindings, MappingConnection, RecordMapper } from '../mapping/index.js';
import type { CompiledProject } from '../project/index.js';
import { diffOf } from './case-failures.js';

/** One vendor sample and the entities it must become. Name exactly one of `stream`, `webhook`, `action`. */
export interface PresetSample {
  readonly name?: string;
  /** A stream of the preset: the sample is what its request answers. */
  readonly stream?: string;
  /** An event type of the preset's webhooks: the sample is a delivery of it. */
  readonly webhook?: string;
  /** An action of the preset: the sample is the vendor's answer, turned into the action's result. */
  readonly action?: string;
  /** One vendor record, mapped as is (the records path is skipped). */
  readonly record?: unknown;
  /** Several vendor records, mapped as is. */
  readonly records?: readonly unknown[];
  /** A whole response body (or webhook event), read through the stream's or event's records path first. */
  readonly body?: unknown;
  /**
   * The entities, in order (one object for one entity). When the stream or event writes several
   * entities (`outputs:`), each is `{ entity, value }`. For an action: its result.
   */
  readonly expected: Readonly<Record<string, unknown>> | ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** The connection the mapping sees as `$connection`. Default `{ id: 'test', tenant: 'test', config: {} }`. */
  readonly connection?: Partial<MappingConnection>;
  /** What `$store(id)` and `$product(id)` find in the vendor-id map (vendor id → natural key). Default nothing. */
  readonly lookups?: { readonly store?: Readonly<Record<string, string>>; readonly product?: Readonly<Record<string, string>> };
}

/** Entities a sample produced (0 for an action). Throws the sample's failure. */
export async function runSample(project: CompiledProject, connector: string, sample: PresetSample): Promise<number> {
  const bindings = bindingsOf(sample);
  const targets = [sample.stream, sample.webhook, sample.action].filter((t) => t !== undefined);
  if (targets.length !== 1) throw new Error('name exactly one of stream, webhook or action');
  const inputs = [sample.record, sample.records, sample.body].filter((v) => v !== undefined);
  if (inputs.length !== 1) throw new Error('give exactly one of record, records or body');
  if (sample.action !== undefined) {
    const action = project.actions.get(connector)?.get(sample.action);
    if (action === undefined) throw new Error(`the preset has no action "${sample.action}"; it has: ${known(project.actions.get(connector))}`);
    const result = await action.result(sample.record ?? sample.body ?? sample.records, bindings);
    compare(result, sample.expected);
    return 0;
  }
  const { mapper, records } = sample.stream !== undefined ? await streamInput(project, connector, sample.stream, sample) : await eventInput(project, connector, sample.webhook!, sample);
  const mapped = await mapper.map(records, bindings);
  if (mapped.failures.length > 0) {
    throw new Error(`${mapped.failures.length} of ${records.length} record(s) failed to map: ${mapped.failures.map((f) => `${f.code}: ${f.reason}`).join('; ')}`);
  }
  const actual = mapped.rows.map((row) => (mapper.entities.length > 1 ? { entity: row.entity, value: { ...row.value } } : { ...row.value }));
  compare(actual, Array.isArray(sample.expected) ? sample.expected : [sample.expected]);
  return mapped.rows.length;
}

interface MapperInput {
  readonly mapper: RecordMapper;
  readonly records: readonly unknown[];
}

async function streamInput(project: CompiledProject, connector: string, name: string, sample: PresetSample): Promise<MapperInput> {
  const stream = project.streams.get(connector)?.get(name);
  if (stream === undefined) throw new Error(`the preset has no stream "${name}"; it has: ${known(project.streams.get(connector))}`);
  const records =
    sample.body === undefined
      ? directRecords(sample)
      : await stream.records({ request: { method: 'GET', url: 'http://sample.invalid/', headers: {} }, status: 200, headers: {}, body: sample.body });
  return { mapper: stream.mapper, records };
}

async function eventInput(project: CompiledProject, connector: string, type: string, sample: PresetSample): Promise<MapperInput> {
  const webhooks = project.webhooks.get(connector);
  const event = webhooks?.events.get(type);
  if (webhooks === undefined || event === undefined) throw new Error(`the preset's webhooks have no event "${type}"; they have: ${known(webhooks?.events)}`);
  if (event.action.kind !== 'map') throw new Error(`webhook event "${type}" does not map records (its action is ${event.action.kind})`);
  if (sample.body === undefined) return { mapper: event.action.mapper, records: directRecords(sample) };
  const seenType = webhooks.keys.eventType?.({}, sample.body);
  if (webhooks.keys.eventType !== undefined && seenType !== type) {
    throw new Error(`the event body reads as event type ${JSON.stringify(seenType)} through webhooks.event_type, not "${type}"`);
  }
  return { mapper: event.action.mapper, records: await event.action.records(sample.body) };
}

function directRecords(sample: PresetSample): readonly unknown[] {
  return sample.records ?? [sample.record];
}

function bindingsOf(sample: PresetSample): MappingBindings {
  const found = (table: Readonly<Record<string, string>> | undefined) => (id: string) => table?.[id];
  return {
    connection: { id: 'test', tenant: 'test', config: {}, ...sample.connection },
    lookups: { store: found(sample.lookups?.store), product: found(sample.lookups?.product) },
  };
}

function compare(actual: unknown, expected: unknown): void {
  const diff = diffOf(actual, expected);
  if (diff !== undefined) throw new Error(`the mapped result differs from the expected one\n${diff}`);
}

const known = (map: ReadonlyMap<string, unknown> | undefined): string => [...(map?.keys() ?? [])].join(', ') || '(none)';
