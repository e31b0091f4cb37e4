/**
 * What one declared webhook event does, compiled once at load: map its records onto entities
 * (optionally after fetching the full object the event only summarises), run a stream of its
 * connection, mark its connection, erase what its connection wrote, or only record it. connectors.yaml declares which (`webhooks.events.<type>`).
 */
import type { OutgoingRequest } from '../connector/index.js';
import { compileRequestTemplate, type CompiledRequestTemplate, type RequestTemplate, type TemplateValues } from '../http/index.js';
import {
  compileOutput,
  compileRecordsPath,
  outputsOf,
  recordMapper,
  type EntityCatalog,
  type MappingFunctionEntry,
  type OutputDeclaration,
  type RecordMapper,
  type RecordsPath,
} from '../mapping/index.js';

/** A `webhooks.events.<type>.fetch` block of connectors.yaml. */
export interface FetchDeclaration {
  readonly request: RequestTemplate;
  /** Placeholder name → JSONata over the event. */
  readonly params?: Readonly<Record<string, string>> | undefined;
}

/** A `webhooks.events.<type>` entry of connectors.yaml (the fields processing reads). */
export interface WebhookEventDeclaration {
  readonly entity?: string | undefined;
  readonly map?: string | undefined;
  readonly records?: string | undefined;
  readonly outputs?: readonly OutputDeclaration[] | undefined;
  readonly fetch?: FetchDeclaration | undefined;
  readonly run_stream?: string | undefined;
  readonly mark_connection?: 'needs_reauth' | 'disabled' | undefined;
  readonly erase_connection_data?: true | undefined;
  readonly record?: string | undefined;
}

/** A follow-up fetch, compiled: the request, and the event values that fill its placeholders. */
export interface CompiledFetch {
  /**
   * The values the event gives the request's placeholders, or the name of the first that is
   * missing (the event is then dead-lettered: fetching without it would ask for the wrong thing).
   */
  params(event: unknown): Promise<{ readonly values: TemplateValues } | { readonly missing: string }>;
  /** The request, from the connection's template values merged with `params`. */
  render(values: TemplateValues): OutgoingRequest;
}

/** What an event does. */
export type EventAction =
  | {
      readonly kind: 'map';
      /** Picks the records from the event, or from the fetched answer when `fetch` is set. */
      readonly records: RecordsPath;
      readonly mapper: RecordMapper;
      readonly fetch?: CompiledFetch | undefined;
    }
  | { readonly kind: 'run_stream'; readonly stream: string }
  | { readonly kind: 'mark_connection'; readonly status: 'needs_reauth' | 'disabled' }
  | { readonly kind: 'erase_connection_data' }
  | { readonly kind: 'record'; readonly note: string };

export interface CompileEventActionOptions {
  readonly catalog: EntityCatalog;
  readonly functions: readonly MappingFunctionEntry[];
  /** The connector's base_url, for a follow-up fetch's relative path. */
  readonly baseUrl: string;
  /** `connectors.<c>.webhooks.events.<type>`, for messages. */
  readonly label: string;
  /** Records a compile problem at its path below the event; the event is then left out. */
  readonly issue: (path: ReadonlyArray<string | number>, error: unknown) => void;
}

/**
 * Compiles what one event does; undefined when something did not compile (each problem reported
 * through `options.issue` at its own key).
 * @example
 * const action = compileEventAction(declaration, { catalog, functions, baseUrl, label, issue });
 * if (action?.kind === 'map') await action.mapper.map(await action.records(body), bindings);
 */
export function compileEventAction(declaration: WebhookEventDeclaration, options: CompileEventActionOptions): EventAction | undefined {
  if (declaration.run_stream !== undefined) return { kind: 'run_stream', stream: declaration.run_stream };
  if (declaration.mark_connection !== undefined) return { kind: 'mark_connection', status: declaration.mark_connection };
  if (declaration.erase_connection_data === true) return { kind: 'erase_connection_data' };
  if (declaration.record !== undefined) return { kind: 'record', note: declaration.record };
  let ok = true;
  const attempt = <T>(path: ReadonlyArray<string | number>, compile: () => T): T | undefined => {
    try {
      return compile();
    } catch (err) {
      ok = false;
      options.issue(path, err);
      return undefined;
    }
  };
  const outputs = outputsOf(declaration).map(({ declaration: output, path }) => {
    try {
      return compileOutput(output, { catalog: options.catalog, functions: options.functions, label: [options.label, ...path].join('.') });
    } catch (err) {
      ok = false;
      options.issue([...path, keyOf(err)], err);
      return undefined;
    }
  });
  const records = attempt(['records'], () => compileRecordsPath(declaration.records, { label: `${options.label}.records` }));
  const fetch = declaration.fetch === undefined ? undefined : attempt(['fetch'], () => compileFetch(declaration.fetch!, options));
  if (!ok || records === undefined) return undefined;
  return {
    kind: 'map',
    records,
    mapper: recordMapper(
      outputs.filter((o) => o !== undefined),
      options.catalog,
    ),
    ...(fetch === undefined ? {} : { fetch }),
  };
}

/** The key of an output a compile error is about: its mapping, its items path, or its entity. */
function keyOf(err: unknown): string {
  const label = (err as { details?: { label?: unknown } }).details?.label;
  if (typeof label === 'string' && label.endsWith('.records')) return 'records';
  if (typeof label === 'string' && label.endsWith('.map')) return 'map';
  return 'entity';
}

function compileFetch(declaration: FetchDeclaration, options: CompileEventActionOptions): CompiledFetch {
  const request: CompiledRequestTemplate = compileRequestTemplate(options.baseUrl, declaration.request);
  // A param is a path like a records path: one scalar value is a value; nothing, or several, is missing.
  const params: Array<readonly [string, RecordsPath]> = Object.entries(declaration.params ?? {}).map(
    ([name, expression]) => [name, compileRecordsPath(expression, { label: `${options.label}.fetch.params.${name}` })] as const,
  );
  return {
    async params(event) {
      const values: Record<string, unknown> = {};
      for (const [name, path] of params) {
        const found = await path(event);
        const value = found.length === 1 ? found[0] : undefined;
        if (value === undefined || value === null || value === '' || typeof value === 'object') return { missing: name };
        values[name] = value;
      }
      return { values };
    },
    render: (values) => request.render(values),
  };
}
