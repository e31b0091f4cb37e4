import type { OutgoingRequest } from '../connector/index.js';
import { HTTP_URL_VALUE_MISSING } from '../errors/index.js';

/** A request as connectors.yaml declares it (streams, actions, lookups). */
export interface RequestTemplate {
  readonly method?: string;
  /** Appended to the base URL; may hold `{name}` placeholders (URL-encoded when filled). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A literal JSON body (objects, arrays); strings that are JSONata are rendered by the caller. */
  readonly body?: unknown;
  readonly graphql?: { readonly query: string; readonly variables?: Readonly<Record<string, unknown>> };
  /** `json` (default when a body is present) or `form`. */
  readonly bodyFormat?: 'json' | 'form';
  /** Whether a failed attempt may be sent again (`request.idempotent`); absent, the caller's default applies. */
  readonly idempotent?: boolean | undefined;
}

/** Values placeholders are filled from: connection config, connector vars, cursor, action input. */
export type TemplateValues = Readonly<Record<string, unknown>>;

type Segment = { readonly literal: string } | { readonly name: string };

/** A string that is a single placeholder and nothing else. */
const PLACEHOLDER_ONLY = /^\{\{\s*([A-Za-z_][\w.]*)\s*\}\}$|^\{([A-Za-z_][\w.]*)\}$/;

/** `{name}` and `{{name}}` both fill a placeholder: YAML authors write either. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}|\{([A-Za-z_][\w.]*)\}/g;

/** A string with placeholders, parsed once at load. */
export class TemplateString {
  readonly #segments: readonly Segment[];
  readonly #source: string;
  readonly names: readonly string[];

  constructor(source: string) {
    this.#source = source;
    const segments: Segment[] = [];
    let last = 0;
    for (const match of source.matchAll(PLACEHOLDER)) {
      if (match.index > last) segments.push({ literal: source.slice(last, match.index) });
      segments.push({ name: (match[1] ?? match[2])! });
      last = match.index + match[0].length;
    }
    if (last < source.length) segments.push({ literal: source.slice(last) });
    this.#segments = segments;
    this.names = segments.flatMap((s) => ('name' in s ? [s.name] : []));
  }

  /**
   * Fills a base URL, where an empty value would address another server (`https://.example.com`):
   * every placeholder must have a non-empty value.
   * @throws CONNECTD_ERR_HTTP_URL_VALUE_MISSING naming the first placeholder without a value
   */
  renderAddress(values: TemplateValues): string {
    for (const name of this.names) {
      const value = lookup(values, name);
      if (value === undefined || value === null || value === '') throw HTTP_URL_VALUE_MISSING({ template: this.#source, name });
    }
    return this.render(values);
  }

  /** Fills the placeholders; `encode` escapes each value (path segments), missing values become ''. */
  render(values: TemplateValues, encode: (value: string) => string = (v) => v): string {
    let out = '';
    for (const segment of this.#segments) {
      out += 'literal' in segment ? segment.literal : encode(stringify(lookup(values, segment.name)));
    }
    return out;
  }
}

function lookup(values: TemplateValues, dottedName: string): unknown {
  let current: unknown = values;
  for (const part of dottedName.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A value as text: a list of scalars comma-separated (`types=ITEM,ITEM_VARIATION`, `{partition}`), other objects as JSON. */
function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) return value.map((item) => stringify(item)).join(',');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

type ValueRenderer = (values: TemplateValues) => unknown;

/** Compiles a JSON value whose strings may hold placeholders into a renderer. */
function compileValue(value: unknown): ValueRenderer {
  if (typeof value === 'string') {
    const template = new TemplateString(value);
    if (template.names.length === 0) return () => value;
    // A JSON value that is one placeholder and nothing else keeps a list or object as it is
    // (`location_ids: "{partition}"` is a list of ids); scalars stay text, as they always were.
    const whole = PLACEHOLDER_ONLY.exec(value);
    if (whole !== null) {
      const name = (whole[1] ?? whole[2])!;
      return (values) => {
        const found = lookup(values, name);
        return typeof found === 'object' && found !== null ? found : template.render(values);
      };
    }
    return (values) => template.render(values);
  }
  if (Array.isArray(value)) {
    const items = value.map(compileValue);
    return (values) => items.map((item) => item(values));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, compileValue(v)] as const);
    return (values) => Object.fromEntries(entries.map(([k, render]) => [k, render(values)]));
  }
  return () => value;
}

/**
 * A declared request compiled once at load: rendering per call only fills placeholders.
 * @example
 * const template = compileRequestTemplate('https://{shop}/admin/api/2025-10', { path: '/products.json', query: { limit: 250 } });
 * template.render({ shop: 'acme.myshopify.com' }); // { method: 'GET', url: 'https://acme.myshopify.com/admin/api/2025-10/products.json?limit=250', ... }
 */
export function compileRequestTemplate(baseUrl: string, template: RequestTemplate, defaultMethod = 'GET'): CompiledRequestTemplate {
  const base = new TemplateString(baseUrl.replace(/\/+$/, ''));
  const path = new TemplateString(template.path.startsWith('/') || template.path === '' ? template.path : `/${template.path}`);
  const absolutePath = /^https?:\/\//i.test(template.path);
  const query = Object.entries(template.query ?? {}).map(([name, value]) => [name, new TemplateString(String(value))] as const);
  const headers = Object.entries(template.headers ?? {}).map(([name, value]) => [name.toLowerCase(), new TemplateString(value)] as const);
  const method = (template.method ?? defaultMethod).toUpperCase();
  const absoluteUrl = absolutePath ? new TemplateString(template.path) : undefined;
  const graphqlVariables = template.graphql === undefined ? undefined : compileValue(template.graphql.variables ?? {});
  const literalBody = template.body !== undefined && typeof template.body !== 'string' ? compileValue(template.body) : undefined;
  return {
    method,
    idempotent: template.idempotent,
    render(values: TemplateValues): OutgoingRequest {
      const renderedPath = path.render(values, encodeURIComponent);
      const url = new URL(absoluteUrl !== undefined ? absoluteUrl.render(values) : `${base.renderAddress(values)}${renderedPath}`);
      for (const [name, value] of query) url.searchParams.set(name, value.render(values));
      const renderedHeaders: Record<string, string> = { accept: 'application/json' };
      for (const [name, value] of headers) renderedHeaders[name] = value.render(values);
      let body: string | undefined;
      if (template.graphql !== undefined && graphqlVariables !== undefined) {
        body = JSON.stringify({ query: template.graphql.query, variables: graphqlVariables(values) });
      } else if (literalBody !== undefined) {
        const rendered = literalBody(values);
        body =
          template.bodyFormat === 'form'
            ? new URLSearchParams(Object.entries(rendered as Record<string, unknown>).map(([k, v]): [string, string] => [k, stringify(v)])).toString()
            : JSON.stringify(rendered);
      }
      if (body !== undefined) renderedHeaders['content-type'] = template.bodyFormat === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
      return { method, url: url.toString(), headers: renderedHeaders, body };
    },
  };
}

export interface CompiledRequestTemplate {
  readonly method: string;
  /**
   * `idempotent` as declared, undefined when not: the feature picks the default (streams read, so
   * true; actions go by their method) and passes it to the client with each request.
   */
  readonly idempotent: boolean | undefined;
  render(values: TemplateValues): OutgoingRequest;
}
