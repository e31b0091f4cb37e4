/**
 * JSONata mappings from one vendor record to entities. Each expression is compiled once, with the
 * plugin functions registered once; per evaluation only the record and a bindings object cached
 * per connection-and-lookups pair go in, because this runs for every record of every page.
 * Mappings in the fast path's subset (fast-path.ts) also get an exact plain-JS evaluation.
 */
import jsonata, { type Expression } from 'jsonata';
import { MAPPING_OUTPUT_INVALID, type ConnectdError } from '../errors/index.js';
import { BAIL, compileFastPath, type AstNode, type FastMapping, type FastScope } from './fast-path.js';
import { registerFunctions, type MappingFunctionEntry } from './functions.js';
import { compileError, evaluateError } from './jsonata-errors.js';
import { inventoryItemKey } from './canonical/index.js';
import { lookupFunction, type IdLookups } from './lookups.js';

/** The connection a record belongs to, bound as `$connection` (`$connection.tenant`, `$connection.config.shop`). */
export interface MappingConnection {
  readonly id: string;
  readonly tenant: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** What changes between evaluations of one mapping: the connection, and its vendor-id lookups. */
export interface MappingBindings {
  readonly connection: MappingConnection;
  readonly lookups: IdLookups;
}

/** One entity a mapping produced: a plain object (JSONata builds them with a null prototype; use `Object.hasOwn`). */
export type MappedValue = Record<string, unknown>;

/** A mapping compiled once, evaluated per record. */
export interface CompiledMapping {
  /** The source expression; undefined for the identity mapping (no `map:`). */
  readonly expression: string | undefined;
  /**
   * Whether it may call `$store()`, `$product()` or `$inventory_item()`, whose answers depend on
   * what earlier writes committed. Read from the text, so a name in a string literal also counts:
   * it may say yes wrongly, never no.
   */
  readonly usesLookups: boolean;
  /**
   * Maps one record. Resolves to the entities it yields: none (the mapping returned nothing: skip
   * the record), one, or several. Rejects with a coded error: CONNECTD_ERR_MAPPING_EVALUATE,
   * _OUTPUT_INVALID or _LOOKUP_MISSING (the record is at fault; dead-letter it) or
   * _LOOKUP_FAILED (the vendor-id map could not be read; fail the page). `parent` is bound as
   * `$parent`: the record an output's item was picked from (an order, for its line).
   */
  evaluate(record: unknown, bindings: MappingBindings, parent?: unknown): Promise<readonly MappedValue[]>;
}

/** Options of {@link compileMapping}. */
export interface CompileMappingOptions {
  /** Plugin functions (`registry.functions()`), registered on the expression once. */
  readonly functions?: readonly MappingFunctionEntry[];
  /** Names the mapping in messages, e.g. `connectors.storq.streams.stock.map`. Default "mapping". */
  readonly label?: string;
}

const NO_ENTITIES: readonly MappedValue[] = Object.freeze([]);

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const isEntity = (value: unknown): value is MappedValue => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * JSONata marks the lists it builds from paths with an enumerable `sequence: true` property.
 * Lists inside an entity are copied without it, so entities compare and serialise as the plain
 * JSON they are. Objects JSONata built (null prototype) are fixed in place; the record's own
 * objects and lists, which an entity may share, are never modified.
 */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined = Object.hasOwn(value, 'sequence') ? value.slice() : undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const stripped = strip(item);
      if (stripped !== item) (copy ??= value.slice())[i] = stripped;
    }
    return copy ?? value;
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === null) stripFields(value as MappedValue);
  return value;
}

function stripFields(entity: MappedValue): MappedValue {
  for (const key in entity) {
    const field = entity[key];
    if (typeof field === 'object' && field !== null) entity[key] = strip(field);
  }
  return entity;
}

/** undefined/null → none, object → [it], list → its objects; anything else is the mapping's fault. */
function normalise(result: unknown, label: string): readonly MappedValue[] {
  if (result === undefined || result === null) return NO_ENTITIES;
  if (isEntity(result)) return [stripFields(result)];
  if (Array.isArray(result)) {
    const entities: MappedValue[] = new Array(result.length);
    for (let i = 0; i < result.length; i++) {
      const item: unknown = result[i];
      if (!isEntity(item)) throw MAPPING_OUTPUT_INVALID({ label, found: `a list holding ${describe(item)}` });
      entities[i] = stripFields(item);
    }
    return entities;
  }
  throw MAPPING_OUTPUT_INVALID({ label, found: describe(result) });
}

/** A call of a vendor-id lookup, as written in a mapping. */
const LOOKUP_CALL = /\$(?:store|product|inventory_item)\s*\(/;

class JsonataMapping implements CompiledMapping {
  readonly expression: string;
  readonly usesLookups: boolean;
  readonly #compiled: Expression;
  readonly #fast: FastMapping | undefined;
  readonly #label: string;
  // Bindings objects by caller object: a run reuses one MappingBindings, so this is one entry per
  // run, and the $store/$product adapters are built once per run instead of once per record.
  readonly #bindings = new WeakMap<MappingBindings, FastScope>();

  constructor(expression: string, compiled: Expression, fast: FastMapping | undefined, label: string) {
    this.expression = expression;
    this.usesLookups = LOOKUP_CALL.test(expression);
    this.#compiled = compiled;
    this.#fast = fast;
    this.#label = label;
  }

  async evaluate(record: unknown, bindings: MappingBindings, parent?: unknown): Promise<readonly MappedValue[]> {
    const shared = this.#bindingsFor(bindings);
    // An output's items get the record they came from as $parent: a small copy per item, only for those.
    const bound = parent === undefined ? shared : { ...shared, parent };
    let result: unknown;
    try {
      result = this.#fast === undefined ? BAIL : await this.#fast(record, bound);
      if (result === BAIL) result = await this.#compiled.evaluate(record, bound);
    } catch (err) {
      throw evaluateError(this.#label, err);
    }
    return normalise(result, this.#label);
  }

  #bindingsFor(bindings: MappingBindings): FastScope {
    let bound = this.#bindings.get(bindings);
    if (bound === undefined) {
      const { lookups } = bindings;
      bound = {
        connection: bindings.connection,
        store: lookupFunction('store', (id) => lookups.store(id), this.#label),
        product: lookupFunction('product', (id) => lookups.product(id), this.#label),
        inventory_item: lookupFunction('inventory_item', (id) => lookups.product(inventoryItemKey(id)), this.#label),
      };
      this.#bindings.set(bindings, bound);
    }
    return bound;
  }
}

class IdentityMapping implements CompiledMapping {
  readonly expression: undefined = undefined;
  readonly usesLookups = false;
  readonly #label: string;

  constructor(label: string) {
    this.#label = label;
  }

  async evaluate(record: unknown): Promise<readonly MappedValue[]> {
    // A copy: validation fills schema defaults in, and the vendor record stays as fetched.
    return normalise(structuredClone(record), this.#label);
  }
}

/**
 * Compiles a mapping once. `expression` undefined (no `map:` in the stream) gives the identity
 * mapping: the record is the entity. Throws CONNECTD_ERR_MAPPING_COMPILE (exit code 2) with the
 * position of a syntax error, and CONNECTD_ERR_MAPPING_FUNCTION_INVALID for an unusable plugin
 * function.
 * @example
 * const mapping = compileMapping('{ "store": $store(location_id), "product": sku, "quantity": $number(qty) }', {
 *   functions: registry.functions(),
 *   label: 'connectors.storq.streams.stock.map',
 * });
 * const bindings = { connection: { id: 'c1', tenant: 'acme', config: {} }, lookups }; // reuse per run
 * const entities = await mapping.evaluate(record, bindings); // [] | [entity] | [entity, ...]
 */
export function compileMapping(expression: string | undefined, options: CompileMappingOptions = {}): CompiledMapping {
  const label = options.label ?? 'mapping';
  if (expression === undefined) return new IdentityMapping(label);
  let compiled: Expression;
  try {
    compiled = jsonata(expression);
  } catch (err) {
    throw compileError(label, expression, err);
  }
  const functions = options.functions ?? [];
  registerFunctions(compiled, functions, label);
  // jsonata's published AST type misses node types the fast path reads; AstNode declares them.
  const fast = compileFastPath(compiled.ast() as unknown as AstNode, functions);
  return new JsonataMapping(expression, compiled, fast, label);
}

/** Whether an error from {@link CompiledMapping.evaluate} is the record's fault (dead-letter it) rather than the run's. */
export function isRecordFailure(err: ConnectdError): boolean {
  return err.code !== 'CONNECTD_ERR_MAPPING_LOOKUP_FAILED';
}
