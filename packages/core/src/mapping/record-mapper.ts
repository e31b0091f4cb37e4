/**
 * What a stream or webhook event writes for each record: one entity (`entity` + `map`) or several
 * (`outputs:`, e.g. an order and its lines as transactions). Streams, webhook processing and
 * dead-letter replay all map through a RecordMapper, so a record means the same thing whichever
 * way it arrived, and a replayed record writes everything it would have written the first time.
 */
import { didYouMean, MAPPING_UNKNOWN_ENTITY } from '../errors/index.js';
import type { EntityCatalog } from './catalog.js';
import { compileMapping, type CompiledMapping, type MappingBindings } from './compile-mapping.js';
import type { MappingFunctionEntry } from './functions.js';
import { mapRecords, type MappingFailure } from './map-records.js';
import { compileRecordsPath, type RecordsPath } from './records-path.js';
import type { EntityRow, MappedRows, RecordFailure } from './rows.js';

/** One output as connectors.yaml declares it (`outputs[i]`, or a stream's own `entity` + `map`). */
export interface OutputDeclaration {
  readonly entity: string;
  readonly map?: string | undefined;
  /** Where in each record this output's items are; without it the record is the one item. */
  readonly records?: string | undefined;
}

/** One output, compiled once at load. */
export interface CompiledOutput {
  readonly entity: string;
  readonly mapping: CompiledMapping;
  /** Undefined: the record itself is the item (and no `$parent` is bound). */
  readonly items: RecordsPath | undefined;
}

/** Maps a page (or event) of vendor records onto entity rows; failures are per record, never thrown. */
export interface RecordMapper {
  /** The entities it writes, in declaration order. */
  readonly entities: readonly string[];
  /** Whether any output's mapping may look up vendor ids ({@link CompiledMapping.usesLookups}). */
  readonly usesLookups: boolean;
  /**
   * A record is all or nothing: when any output fails for it, none of its rows is kept and the
   * record itself is the failure, so replaying its dead letter writes everything. Rejects only
   * when the run fails (the vendor-id map unreadable, an entity missing from the catalog).
   */
  map(records: readonly unknown[], bindings: MappingBindings): Promise<MappedRows>;
}

/**
 * Compiles one output: its mapping and its items path. Throws the coded compile error of the
 * mapping or path (labelled `${label}.map` / `${label}.records`) and
 * CONNECTD_ERR_MAPPING_UNKNOWN_ENTITY for an entity the catalog lacks.
 * @example
 * const lines = compileOutput({ entity: 'transaction', records: 'line_items', map: '{ "vendor_transaction_id": $parent.id & ":" & uid, ... }' },
 *   { catalog, functions, label: 'connectors.square.streams.orders.outputs.1' });
 */
export function compileOutput(
  declaration: OutputDeclaration,
  options: { readonly catalog: EntityCatalog; readonly functions: readonly MappingFunctionEntry[]; readonly label: string },
): CompiledOutput {
  if (options.catalog.get(declaration.entity) === undefined) {
    const known = options.catalog.names();
    const suggestion = didYouMean(declaration.entity, known);
    throw MAPPING_UNKNOWN_ENTITY({ entity: declaration.entity, known, ...(suggestion === undefined ? {} : { suggestion }) });
  }
  return {
    entity: declaration.entity,
    mapping: compileMapping(declaration.map, { functions: options.functions, label: `${options.label}.map` }),
    items: declaration.records === undefined ? undefined : compileRecordsPath(declaration.records, { label: `${options.label}.records` }),
  };
}

const toFailure = (f: MappingFailure, record: unknown): RecordFailure => ({ record, code: f.code, reason: f.reason });

/** The common case, one output whose item is the record: straight through mapRecords. */
class SingleOutputMapper implements RecordMapper {
  readonly entities: readonly string[];
  readonly usesLookups: boolean;
  readonly #output: CompiledOutput;
  readonly #catalog: EntityCatalog;

  constructor(output: CompiledOutput, catalog: EntityCatalog) {
    this.entities = [output.entity];
    this.usesLookups = output.mapping.usesLookups;
    this.#output = output;
    this.#catalog = catalog;
  }

  async map(records: readonly unknown[], bindings: MappingBindings): Promise<MappedRows> {
    const { entity, mapping } = this.#output;
    const mapped = await mapRecords(records, mapping, entity, this.#catalog, bindings);
    return {
      rows: mapped.entities.map((e) => ({ entity, naturalKey: e.naturalKey, value: e.value })),
      failures: mapped.failures.map((f) => toFailure(f, f.record)),
    };
  }
}

/** Several outputs, or items picked out of each record. */
class MultiOutputMapper implements RecordMapper {
  readonly entities: readonly string[];
  readonly usesLookups: boolean;
  readonly #outputs: readonly CompiledOutput[];
  readonly #catalog: EntityCatalog;

  constructor(outputs: readonly CompiledOutput[], catalog: EntityCatalog) {
    this.entities = [...new Set(outputs.map((o) => o.entity))];
    this.usesLookups = outputs.some((o) => o.mapping.usesLookups);
    this.#outputs = outputs;
    this.#catalog = catalog;
  }

  async map(records: readonly unknown[], bindings: MappingBindings): Promise<MappedRows> {
    const failed = new Map<number, RecordFailure>();
    const rowsByOutput: Array<Array<{ readonly record: number; readonly row: EntityRow }>> = [];
    for (const output of this.#outputs) {
      const rows: Array<{ record: number; row: EntityRow }> = [];
      const { items, owners } = await this.#itemsOf(output, records, failed);
      const parents = output.items === undefined ? undefined : owners.map((i) => records[i]);
      const mapped = await mapRecords(items, output.mapping, output.entity, this.#catalog, bindings, parents);
      for (const f of mapped.failures) {
        const record = owners[f.index]!;
        if (!failed.has(record)) failed.set(record, toFailure(f, records[record]));
      }
      for (const e of mapped.entities) rows.push({ record: owners[e.index]!, row: { entity: output.entity, naturalKey: e.naturalKey, value: e.value } });
      rowsByOutput.push(rows);
    }
    return {
      rows: rowsByOutput.flatMap((rows) => rows.filter((r) => !failed.has(r.record)).map((r) => r.row)),
      failures: [...failed.entries()].sort(([a], [b]) => a - b).map(([, failure]) => failure),
    };
  }

  /** The output's items, each with the index of the record it came from; a records path that fails fails its record. */
  async #itemsOf(output: CompiledOutput, records: readonly unknown[], failed: Map<number, RecordFailure>): Promise<{ items: unknown[]; owners: number[] }> {
    if (output.items === undefined) return { items: [...records], owners: records.map((_r, i) => i) };
    const items: unknown[] = [];
    const owners: number[] = [];
    for (let i = 0; i < records.length; i++) {
      if (failed.has(i)) continue;
      try {
        for (const item of await output.items(records[i])) {
          items.push(item);
          owners.push(i);
        }
      } catch (err) {
        const error = err as { code?: string; message?: string };
        failed.set(i, { record: records[i], code: error.code ?? 'CONNECTD_ERR_MAPPING_EVALUATE', reason: error.message ?? String(err) });
      }
    }
    return { items, owners };
  }
}

/**
 * Combines compiled outputs into the mapper of a stream or webhook event.
 * @example
 * const mapper = recordMapper([order, lines], catalog);
 * const { rows, failures } = await mapper.map(page, bindings); // rows carry their entity
 */
export function recordMapper(outputs: readonly CompiledOutput[], catalog: EntityCatalog): RecordMapper {
  const [only] = outputs;
  if (outputs.length === 1 && only !== undefined && only.items === undefined) return new SingleOutputMapper(only, catalog);
  return new MultiOutputMapper(outputs, catalog);
}

/**
 * The outputs a stream or event declares, each with its YAML path below the declaration: its own
 * `entity` + `map`, or its `outputs:` list.
 * @example
 * outputsOf({ entity: 'store', map: '{...}' });   // [{ declaration: { entity: 'store', map }, path: [] }]
 * outputsOf({ outputs: [a, b] });                 // [{ declaration: a, path: ['outputs', 0] }, ...]
 */
export function outputsOf(declaration: {
  readonly entity?: string | undefined;
  readonly map?: string | undefined;
  readonly outputs?: readonly OutputDeclaration[] | undefined;
}): Array<{ readonly declaration: OutputDeclaration; readonly path: ReadonlyArray<string | number> }> {
  if (declaration.outputs !== undefined) return declaration.outputs.map((o, i) => ({ declaration: o, path: ['outputs', i] }));
  if (declaration.entity === undefined) return [];
  return [{ declaration: { entity: declaration.entity, map: declaration.map }, path: [] }];
}
