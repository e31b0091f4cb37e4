/**
 * Shopify's calculated query cost, estimated from the query text before the first answer tells
 * the real one (`requestedQueryCost`). Shopify's published model, applied without the schema:
 * scalars and enums cost 0, an object 1, a connection (a field with `first` or `last`) 2 plus
 * `first` times the cost of one of its nodes, a mutation's top-level field 10. Where the schema
 * would decide, the estimate leans high: an unknown page size counts as the largest Shopify
 * allows, `pageInfo` counts as an object, and fragments on several types all count.
 */

/** The largest cost Shopify accepts for one query; also the estimate of a query that cannot be read. */
export const SHOPIFY_MAX_QUERY_COST = 1000;

/** Shopify's largest `first`/`last`: the page size assumed when the query leaves it to an unknown variable. */
export const SHOPIFY_MAX_PAGE_SIZE = 250;

/** What a mutation's top-level field costs in Shopify's model. */
const MUTATION_FIELD_COST = 10;
/** What a connection costs besides its nodes. */
const CONNECTION_COST = 2;
/** Nesting deeper than this (or a fragment cycle) is not a query Shopify would run. */
const MAX_DEPTH = 64;

type Value = { readonly kind: 'variable'; readonly name: string } | { readonly kind: 'number'; readonly value: number } | { readonly kind: 'other' };

interface Field {
  readonly kind: 'field';
  readonly name: string;
  readonly args: ReadonlyMap<string, Value>;
  readonly selections: readonly Selection[] | undefined;
}
type Selection = Field | { readonly kind: 'inline'; readonly selections: readonly Selection[] } | { readonly kind: 'spread'; readonly name: string };

interface Operation {
  readonly type: string;
  readonly name: string | undefined;
  readonly selections: readonly Selection[];
  readonly defaults: ReadonlyMap<string, Value>;
}

const TOKEN = /[\s,\ufeff]+|#[^\n\r]*|"""[\s\S]*?"""|"(?:[^"\\\n\r]|\\.)*"|\.\.\.|[!$&():=@[\]{}|]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[_A-Za-z][_0-9A-Za-z]*/y;
const IGNORED = /^(?:[\s,\ufeff]|#)/;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (match === null) throw new Error(`unexpected character at ${at}`);
    if (!IGNORED.test(match[0])) tokens.push(match[0]);
  }
  return tokens;
}

/** A recursive-descent reader of the parts of GraphQL that decide the cost. */
class Reader {
  readonly #tokens: string[];
  #at = 0;

  constructor(text: string) {
    this.#tokens = tokenize(text);
  }

  get done(): boolean {
    return this.#at >= this.#tokens.length;
  }

  peek(): string | undefined {
    return this.#tokens[this.#at];
  }

  take(expected?: string): string {
    const token = this.#tokens[this.#at++];
    if (token === undefined || (expected !== undefined && token !== expected)) throw new Error(`expected ${expected ?? 'a token'}, got ${token ?? 'the end'}`);
    return token;
  }

  skip(token: string): boolean {
    if (this.peek() !== token) return false;
    this.#at++;
    return true;
  }

  value(): Value {
    const token = this.take();
    if (token === '$') return { kind: 'variable', name: this.take() };
    if (/^-?\d/.test(token)) return { kind: 'number', value: Number(token) };
    const close = token === '[' ? ']' : token === '{' ? '}' : undefined;
    while (close !== undefined && !this.skip(close)) {
      if (token === '{') {
        this.take();
        this.take(':');
      }
      this.value();
    }
    return { kind: 'other' };
  }

  arguments(): Map<string, Value> {
    const args = new Map<string, Value>();
    if (!this.skip('(')) return args;
    while (!this.skip(')')) {
      const name = this.take();
      this.take(':');
      args.set(name, this.value());
    }
    return args;
  }

  directives(): void {
    while (this.skip('@')) {
      this.take();
      this.arguments();
    }
  }

  type(): void {
    if (this.skip('[')) {
      this.type();
      this.take(']');
    } else {
      this.take();
    }
    this.skip('!');
  }

  variableDefaults(): Map<string, Value> {
    const defaults = new Map<string, Value>();
    if (!this.skip('(')) return defaults;
    while (!this.skip(')')) {
      this.take('$');
      const name = this.take();
      this.take(':');
      this.type();
      if (this.skip('=')) defaults.set(name, this.value());
      this.directives();
    }
    return defaults;
  }

  selections(): Selection[] {
    const selections: Selection[] = [];
    this.take('{');
    while (!this.skip('}')) selections.push(this.selection());
    return selections;
  }

  selection(): Selection {
    if (this.skip('...')) {
      if (this.peek() === 'on' || this.peek() === '@' || this.peek() === '{') {
        if (this.skip('on')) this.take();
        this.directives();
        return { kind: 'inline', selections: this.selections() };
      }
      const name = this.take();
      this.directives();
      return { kind: 'spread', name };
    }
    let name = this.take();
    if (this.skip(':')) name = this.take();
    const args = this.arguments();
    this.directives();
    return { kind: 'field', name, args, selections: this.peek() === '{' ? this.selections() : undefined };
  }
}

interface Document {
  readonly operations: readonly Operation[];
  readonly fragments: ReadonlyMap<string, readonly Selection[]>;
}

function parse(text: string): Document {
  const reader = new Reader(text);
  const operations: Operation[] = [];
  const fragments = new Map<string, readonly Selection[]>();
  while (!reader.done) {
    if (reader.peek() === '{') {
      operations.push({ type: 'query', name: undefined, selections: reader.selections(), defaults: new Map() });
      continue;
    }
    const keyword = reader.take();
    if (keyword === 'fragment') {
      const name = reader.take();
      reader.take('on');
      reader.take();
      reader.directives();
      fragments.set(name, reader.selections());
      continue;
    }
    if (keyword !== 'query' && keyword !== 'mutation' && keyword !== 'subscription') throw new Error(`unexpected ${keyword}`);
    const next = reader.peek();
    const name = next === '(' || next === '{' || next === '@' ? undefined : reader.take();
    const defaults = reader.variableDefaults();
    reader.directives();
    operations.push({ type: keyword, name, selections: reader.selections(), defaults });
  }
  return { operations, fragments };
}

/** Prices the selections of one operation. */
class Pricer {
  readonly #document: Document;
  readonly #variables: Readonly<Record<string, unknown>>;
  readonly #defaults: ReadonlyMap<string, Value>;

  constructor(document: Document, operation: Operation, variables: Readonly<Record<string, unknown>>) {
    this.#document = document;
    this.#defaults = operation.defaults;
    this.#variables = variables;
  }

  /** The fields of `selections`, fragments flattened. */
  fields(selections: readonly Selection[], depth: number): Field[] {
    if (depth > MAX_DEPTH) throw new Error('too deep');
    return selections.flatMap((s): Field[] => {
      if (s.kind === 'field') return [s];
      const inner = s.kind === 'inline' ? s.selections : this.#document.fragments.get(s.name);
      if (inner === undefined) throw new Error(`unknown fragment ${s.kind === 'spread' ? s.name : ''}`);
      return this.fields(inner, depth + 1);
    });
  }

  /** A connection's page size: its `first` or `last`, from a literal, a variable or its default. */
  pageSize(field: Field): number | undefined {
    const arg = field.args.get('first') ?? field.args.get('last');
    if (arg === undefined) return undefined;
    let n: unknown;
    if (arg.kind === 'number') n = arg.value;
    if (arg.kind === 'variable') {
      const fallback = this.#defaults.get(arg.name);
      n = this.#variables[arg.name] ?? (fallback?.kind === 'number' ? fallback.value : undefined);
    }
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : SHOPIFY_MAX_PAGE_SIZE;
  }

  cost(selections: readonly Selection[], depth: number): number {
    return this.fields(selections, depth).reduce((sum, field) => sum + this.fieldCost(field, depth + 1), 0);
  }

  fieldCost(field: Field, depth: number): number {
    if (field.selections === undefined) return 0;
    const size = this.pageSize(field);
    if (size === undefined) return 1 + this.cost(field.selections, depth);
    let node = 0;
    let rest = 0;
    for (const inner of this.fields(field.selections, depth)) {
      if (inner.name === 'edges' && inner.selections !== undefined) node += this.cost(inner.selections, depth + 1);
      else if (inner.name === 'nodes') node += this.fieldCost({ ...inner, args: new Map() }, depth + 1);
      else rest += this.fieldCost(inner, depth + 1);
    }
    return CONNECTION_COST + size * node + rest;
  }
}

/**
 * Estimates what Shopify will report as `requestedQueryCost` for a query and its variables.
 * `operationName` picks the operation when the document holds several (default: the most costly).
 * A text that cannot be read is priced at `SHOPIFY_MAX_QUERY_COST`.
 * @example
 * estimateQueryCost('{ products(first: 10) { edges { node { title variants(first: 5) { nodes { price } } } } } }');
 * // 2 + 10 × (1 + 2 + 5 × 1) = 82
 */
export function estimateQueryCost(query: string, variables: Readonly<Record<string, unknown>> = {}, operationName?: string): number {
  try {
    const document = parse(query);
    const chosen = document.operations.filter((operation) => operationName === undefined || operation.name === operationName);
    const costs = chosen.map((operation) => {
      const pricer = new Pricer(document, operation, variables);
      if (operation.type !== 'mutation') return pricer.cost(operation.selections, 0);
      return pricer.fields(operation.selections, 0).reduce((sum, field) => sum + MUTATION_FIELD_COST + (field.selections === undefined ? 0 : pricer.cost(field.selections, 1)), 0);
    });
    if (costs.length === 0) return SHOPIFY_MAX_QUERY_COST;
    return Math.max(...costs);
  } catch {
    return SHOPIFY_MAX_QUERY_COST;
  }
}
