import { compareIds } from './ids.js';
import { parseTimestamp } from './time.js';

/**
 * Shopify's search syntax, for the `query` argument of connections: `field:value` terms with the
 * comparators `:>`, `:>=`, `:<`, `:<=`, quoted values (`updated_at:>'2025-01-01T00:00:00Z'`),
 * a trailing `*` for prefixes, `AND` (also implied by a space), `OR`, `NOT` or a leading `-`,
 * and parentheses. Unknown fields do not filter; they are reported as warnings, the way
 * Shopify's `extensions.search` does. Text without a field matches the connection's default
 * text fields.
 */
export type SearchFieldKind = 'date' | 'id' | 'number' | 'string' | 'boolean';

/** One searchable field of a connection. */
export interface SearchField<T> {
  readonly kind: SearchFieldKind;
  /** The item's value: epoch ms for a date, a decimal string for an id. */
  readonly get: (item: T) => string | number | boolean | null | readonly string[];
}

export type SearchFields<T> = Readonly<Record<string, SearchField<T>>>;

type Comparator = ':' | ':>' | ':>=' | ':<' | ':<=';
type SearchNode =
  | { readonly kind: 'term'; readonly field: string | undefined; readonly comparator: Comparator; readonly value: string }
  | { readonly kind: 'not'; readonly node: SearchNode }
  | { readonly kind: 'and' | 'or'; readonly nodes: readonly SearchNode[] };

/** A warning Shopify attaches to a search it could not fully apply. */
export interface SearchWarning {
  readonly field: string;
  readonly message: string;
}

function tokens(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | undefined;
  const flush = (): void => {
    if (current !== '') out.push(current);
    current = '';
  };
  for (const char of text) {
    if (quote !== undefined) {
      current += char;
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      current += char;
    } else if (/\s/.test(char)) flush();
    else if ((char === '(' || char === ')') && current === '') out.push(char);
    else if (char === ')') {
      flush();
      out.push(char);
    } else current += char;
  }
  flush();
  return out;
}

const unquote = (value: string): string => (/^(['"]).*\1$/s.test(value) ? value.slice(1, -1) : value);

function term(token: string): SearchNode {
  const match = /^([A-Za-z_][\w.]*)(:>=|:<=|:>|:<|:)(.*)$/s.exec(token);
  if (match === null) return { kind: 'term', field: undefined, comparator: ':', value: unquote(token) };
  return { kind: 'term', field: match[1]!.toLowerCase(), comparator: match[2] as Comparator, value: unquote(match[3]!) };
}

/**
 * Parses a search query into a tree. Never throws: stray parentheses are ignored.
 * @example
 * parseSearch("updated_at:>'2025-01-01T00:00:00Z' AND sku:ABC*");
 */
export function parseSearch(text: string): SearchNode {
  const list = tokens(text);
  let at = 0;
  const or = (): SearchNode => {
    const nodes = [and()];
    while (list[at] === 'OR') {
      at++;
      nodes.push(and());
    }
    return nodes.length === 1 ? nodes[0]! : { kind: 'or', nodes };
  };
  const and = (): SearchNode => {
    const nodes: SearchNode[] = [];
    while (at < list.length && list[at] !== ')' && list[at] !== 'OR') {
      if (list[at] === 'AND') {
        at++;
        continue;
      }
      nodes.push(unary());
    }
    return nodes.length === 1 ? nodes[0]! : { kind: 'and', nodes };
  };
  const unary = (): SearchNode => {
    const token = list[at++]!;
    if (token === 'NOT') return { kind: 'not', node: unary() };
    if (token === '(') {
      const inner = or();
      if (list[at] === ')') at++;
      return inner;
    }
    if (token.startsWith('-') && token.length > 1) return { kind: 'not', node: term(token.slice(1)) };
    return term(token);
  };
  const nodes: SearchNode[] = [];
  while (at < list.length) {
    nodes.push(or());
    if (list[at] === ')') at++;
  }
  return nodes.length === 1 ? nodes[0]! : { kind: 'and', nodes };
}

function compare(kind: SearchFieldKind, actual: string | number | boolean, wanted: string): number | undefined {
  if (kind === 'date') {
    const ms = parseTimestamp(wanted);
    return ms === undefined ? undefined : Math.sign((actual as number) - ms);
  }
  if (kind === 'id') {
    const id = /(\d+)$/.exec(wanted)?.[1];
    return id === undefined ? undefined : compareIds(String(actual), id);
  }
  if (kind === 'number') {
    const n = Number(wanted);
    return Number.isNaN(n) ? undefined : Math.sign((actual as number) - n);
  }
  if (kind === 'boolean') return String(actual) === wanted.toLowerCase() ? 0 : 1;
  const a = String(actual).toLowerCase();
  const b = wanted.toLowerCase();
  if (b.endsWith('*')) return a.startsWith(b.slice(0, -1)) ? 0 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function matchTerm<T>(node: Extract<SearchNode, { kind: 'term' }>, item: T, fields: SearchFields<T>, textFields: readonly string[]): boolean {
  if (node.field === undefined) {
    return textFields.some((name) => {
      const value = fields[name]?.get(item);
      return typeof value === 'string' && value.toLowerCase().includes(node.value.toLowerCase().replace(/\*$/, ''));
    });
  }
  const field = fields[node.field];
  if (field === undefined) return true;
  const raw = field.get(item);
  const values = Array.isArray(raw) ? raw : [raw];
  return values.some((value) => {
    if (value === null) return false;
    const order = compare(field.kind, value as string | number | boolean, node.value);
    if (order === undefined) return false;
    if (node.comparator === ':') return order === 0;
    if (node.comparator === ':>') return order > 0;
    if (node.comparator === ':>=') return order >= 0;
    if (node.comparator === ':<') return order < 0;
    return order <= 0;
  });
}

/**
 * Whether an item matches a parsed search; terms on unknown fields match everything.
 * @example
 * matches(parseSearch('sku:TEA*'), variant, VARIANT_SEARCH, ['title']); // true for 'TEA-1'
 */
export function matches<T>(node: SearchNode, item: T, fields: SearchFields<T>, textFields: readonly string[]): boolean {
  if (node.kind === 'term') return matchTerm(node, item, fields, textFields);
  if (node.kind === 'not') return !matches(node.node, item, fields, textFields);
  if (node.kind === 'and') return node.nodes.every((inner) => matches(inner, item, fields, textFields));
  return node.nodes.some((inner) => matches(inner, item, fields, textFields));
}

/** The unknown fields a search names, once each. */
function warningsOf(node: SearchNode, fields: SearchFields<unknown>, found: Map<string, SearchWarning>): Map<string, SearchWarning> {
  if (node.kind === 'term') {
    if (node.field !== undefined && fields[node.field] === undefined) found.set(node.field, { field: node.field, message: 'Invalid search field for this query.' });
  } else if (node.kind === 'not') warningsOf(node.node, fields, found);
  else for (const inner of node.nodes) warningsOf(inner, fields, found);
  return found;
}

/**
 * Filters items by a search query, collecting the warnings (deduplicated by field).
 * @example
 * const { items, warnings } = searchItems(variants, "updated_at:>='2025-01-01'", VARIANT_SEARCH, ['title', 'sku']);
 */
export function searchItems<T>(items: readonly T[], query: string | undefined, fields: SearchFields<T>, textFields: readonly string[]): { items: T[]; warnings: SearchWarning[] } {
  if (query === undefined || query.trim() === '') return { items: [...items], warnings: [] };
  const tree = parseSearch(query);
  const warnings = warningsOf(tree, fields as SearchFields<unknown>, new Map());
  return { items: items.filter((item) => matches(tree, item, fields, textFields)), warnings: [...warnings.values()] };
}
