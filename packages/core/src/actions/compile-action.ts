/**
 * Compiles a declared action once, at load: the input schema (ajv), the body, result and lookup
 * expressions (JSONata through mapping/), and the request templates (http/). Per invocation only
 * values are filled in. Every problem of a definition is reported at once.
 */
import type { OutgoingRequest } from '../connector/index.js';
import {
  ACTION_BODY_INVALID,
  ACTION_DEFINITION_INVALID,
  ACTION_INPUT_INVALID,
  ACTION_LOOKUP_UNREADABLE,
  isConnectdError,
  type ActionDefinitionIssue,
} from '../errors/index.js';
import { compileRequestTemplate, IDEMPOTENT_METHODS, type CompiledRequestTemplate } from '../http/index.js';
import { compileMapping, compileRecordsPath, type CompiledMapping, type MappingBindings, type MappingFunctionEntry, type RecordsPath } from '../mapping/index.js';
import { compileInputValidator, type InputValidator } from './input.js';
import type { ActionConnection, ActionDeclaration, CompiledAction, PreparedAction } from './types.js';

/** Methods that carry no body: without a declared body their request has none (others send the input). */
const BODILESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE']);
/** A literal body is rendered through a request template of its own; its URL is never used. */
const BODY_ONLY_BASE_URL = 'http://body.invalid';

/** Every id unknown: actions have no vendor-id map unless the caller brings one. */
const NO_LOOKUPS = { store: () => undefined, product: () => undefined } as const;

type BodySource =
  | { readonly kind: 'expression'; readonly mapping: CompiledMapping }
  | { readonly kind: 'literal'; readonly template: CompiledRequestTemplate }
  | { readonly kind: 'input' }
  | { readonly kind: 'none' };

interface Templates {
  readonly request: CompiledRequestTemplate;
  readonly lookup: CompiledRequestTemplate | undefined;
}

export interface CompileActionOptions {
  /** Plugin functions (`registry.functions()`), usable in the body and result expressions. */
  readonly functions?: readonly MappingFunctionEntry[] | undefined;
}

class Action implements CompiledAction {
  readonly connector: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly method: string;
  readonly inputSchema: Readonly<Record<string, unknown>> | undefined;
  readonly idempotency: CompiledAction['idempotency'];
  readonly idempotent: boolean | undefined;
  readonly retrySafe: boolean;
  readonly #declaration: ActionDeclaration;
  readonly #input: InputValidator;
  readonly #body: BodySource;
  readonly #map: CompiledMapping | undefined;
  readonly #records: RecordsPath | undefined;
  // Templates by base URL: a connection brings its connector's base URL, the same string for all
  // of them, so this holds one entry; parsing a template is string splitting, not compiling.
  readonly #templates = new Map<string, Templates>();

  constructor(connector: string, name: string, declaration: ActionDeclaration, parts: { input: InputValidator; body: BodySource; map: CompiledMapping | undefined; records: RecordsPath | undefined }) {
    this.connector = connector;
    this.name = name;
    this.description = declaration.description;
    this.method = (declaration.request.method ?? 'POST').toUpperCase();
    this.inputSchema = declaration.input_schema;
    const idempotency = declaration.idempotency;
    this.idempotency = idempotency === undefined ? undefined : { key: idempotency.key, header: idempotency.header, lookup: idempotency.lookup !== undefined };
    this.idempotent = declaration.request.idempotent;
    this.retrySafe = (this.idempotent ?? IDEMPOTENT_METHODS.has(this.method)) || idempotency?.header !== undefined || idempotency?.lookup !== undefined;
    this.#declaration = declaration;
    this.#input = parts.input;
    this.#body = parts.body;
    this.#map = parts.map;
    this.#records = parts.records;
  }

  checkInput(input: unknown): unknown {
    const checked = this.#input(input);
    if (!checked.ok) throw ACTION_INPUT_INVALID({ connector: this.connector, action: this.name, errors: checked.errors });
    return checked.input;
  }

  async prepare(input: unknown, connection: ActionConnection): Promise<PreparedAction> {
    const bindings: MappingBindings = {
      connection: connection.connection ?? { id: '', tenant: '', config: connection.templateValues },
      lookups: connection.lookups ?? NO_LOOKUPS,
    };
    const body = await this.#buildBody(input, connection, bindings);
    const key = this.#keyOf(body);
    const values = fillValues(input, body, connection.templateValues);
    const templates = this.#templatesFor(connection.baseUrl);
    const rendered = templates.request.render(values);
    const headers: Record<string, string> = { ...rendered.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const header = this.idempotency?.header;
    if (header !== undefined && key !== undefined) headers[header.toLowerCase()] = key;
    const request: OutgoingRequest = { method: rendered.method, url: rendered.url, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    return { request, key, lookup: templates.lookup?.render(values), bindings };
  }

  async matches(lookupBody: unknown, key: string | undefined): Promise<unknown[]> {
    let records: unknown[];
    if (this.#records !== undefined) {
      try {
        records = await this.#records(lookupBody);
      } catch (err) {
        throw this.#unreadable(`idempotency.lookup.records failed: ${err instanceof Error ? err.message : String(err)}`, err);
      }
    } else if (Array.isArray(lookupBody)) {
      records = lookupBody;
    } else {
      // Taking an object for one match could mistake a wrapper ({ "orders": [] }) for an earlier success.
      throw this.#unreadable(`the response is ${lookupBody === null ? 'empty' : 'not a list'} and idempotency.lookup.records is not set`);
    }
    // A vendor that ignores an unknown filter answers with everything; only a record whose key
    // field holds another value is certainly no match. Records without the field are trusted.
    const field = this.idempotency?.key;
    if (field === undefined || key === undefined) return records;
    return records.filter((record) => {
      const value = valueAt(record, field);
      return value === undefined || value === null || String(value) === key;
    });
  }

  async result(value: unknown, bindings: MappingBindings): Promise<unknown> {
    if (this.#map === undefined) return value ?? null;
    const entities = await this.#map.evaluate(value, bindings);
    // One object is the result itself; several are a list; none is null.
    return entities.length === 0 ? null : entities.length === 1 ? entities[0] : entities;
  }

  async #buildBody(input: unknown, connection: ActionConnection, bindings: MappingBindings): Promise<unknown> {
    const source = this.#body;
    switch (source.kind) {
      case 'none':
        return undefined;
      case 'input':
        return input;
      case 'literal': {
        const rendered = source.template.render(fillValues(input, undefined, connection.templateValues)).body;
        return typeof rendered === 'string' ? (JSON.parse(rendered) as unknown) : undefined;
      }
      case 'expression': {
        let entities: readonly unknown[];
        try {
          entities = await source.mapping.evaluate(input, bindings);
        } catch (err) {
          throw ACTION_BODY_INVALID({ connector: this.connector, action: this.name, reason: `request.body failed: ${err instanceof Error ? err.message : String(err)}` }, { cause: err });
        }
        if (entities.length !== 1) {
          const reason = `request.body gave ${entities.length === 0 ? 'nothing' : `${entities.length} objects`}; it must give one JSON object`;
          throw ACTION_BODY_INVALID({ connector: this.connector, action: this.name, reason });
        }
        return entities[0];
      }
    }
  }

  #keyOf(body: unknown): string | undefined {
    const field = this.idempotency?.key;
    if (field === undefined) return undefined;
    const value = valueAt(body, field);
    if ((typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isFinite(value))) return String(value);
    const reason = `the request body has no idempotency key "${field}" (a non-empty string or a number)`;
    throw ACTION_BODY_INVALID({ connector: this.connector, action: this.name, reason });
  }

  #templatesFor(baseUrl: string): Templates {
    let templates = this.#templates.get(baseUrl);
    if (templates === undefined) {
      const { body: _body, graphql: _graphql, ...request } = this.#declaration.request;
      const lookup = this.#declaration.idempotency?.lookup;
      templates = {
        request: compileRequestTemplate(baseUrl, request, 'POST'),
        lookup: lookup === undefined ? undefined : compileRequestTemplate(baseUrl, { method: 'GET', path: lookup.path, query: lookup.query ?? {} }),
      };
      this.#templates.set(baseUrl, templates);
    }
    return templates;
  }

  #unreadable(reason: string, cause?: unknown): Error {
    return ACTION_LOOKUP_UNREADABLE({ connector: this.connector, action: this.name, reason }, cause === undefined ? undefined : { cause });
  }
}

/**
 * Values `{placeholders}` are filled from: the connection's values win (an input must not be able
 * to point a request at another host or account), then the body's fields, then the input's;
 * `{input.x}` and `{body.x}` name one side explicitly.
 */
function fillValues(input: unknown, body: unknown, connectionValues: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { ...asRecord(input), ...asRecord(body), input, body, ...connectionValues };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The value at a dotted path (`external_id`, `order.reference`), or undefined. */
function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function issueOf(path: ReadonlyArray<string | number>, err: unknown): ActionDefinitionIssue {
  if (isConnectdError(err)) return { path, code: err.code, message: err.message };
  return { path, code: ACTION_DEFINITION_INVALID.code, message: err instanceof Error ? err.message : String(err) };
}

/**
 * Compiles an action at load. Throws CONNECTD_ERR_ACTION_DEFINITION_INVALID listing every problem,
 * each with its path under `connectors.<connector>.actions.<name>` (e.g. `['request', 'body']`)
 * and the code of the underlying error (e.g. CONNECTD_ERR_MAPPING_COMPILE).
 * @example
 * const action = compileAction('storq', 'create_order', config.connectors.storq.actions.create_order, { functions: registry.functions() });
 * const result = await runAction({ action, connection, input, log });
 */
export function compileAction(connector: string, name: string, declaration: ActionDeclaration, options: CompileActionOptions = {}): CompiledAction {
  const issues: ActionDefinitionIssue[] = [];
  const attempt = <T>(path: ReadonlyArray<string | number>, compile: () => T): T | undefined => {
    try {
      return compile();
    } catch (err) {
      issues.push(issueOf(path, err));
      return undefined;
    }
  };
  const label = `connectors.${connector}.actions.${name}`;
  const functions = options.functions ?? [];
  const method = (declaration.request.method ?? 'POST').toUpperCase();
  const input = attempt(['input_schema'], () => compileInputValidator(declaration.input_schema));
  const declaredBody = declaration.request.body;
  let body: BodySource | undefined;
  if (typeof declaredBody === 'string') {
    const mapping = attempt(['request', 'body'], () => compileMapping(declaredBody, { functions, label: `${label}.request.body` }));
    body = mapping === undefined ? undefined : { kind: 'expression', mapping };
  } else if (declaredBody !== undefined || declaration.request.graphql !== undefined) {
    const { body: literal, graphql } = declaration.request;
    body = { kind: 'literal', template: compileRequestTemplate(BODY_ONLY_BASE_URL, { path: '/', method, body: literal, graphql }) };
  } else {
    body = BODILESS_METHODS.has(method) ? { kind: 'none' } : { kind: 'input' };
  }
  const map = declaration.map === undefined ? undefined : attempt(['map'], () => compileMapping(declaration.map, { functions, label: `${label}.map` }));
  const lookup = declaration.idempotency?.lookup;
  const records =
    lookup?.records === undefined
      ? undefined
      : attempt(['idempotency', 'lookup', 'records'], () => compileRecordsPath(lookup.records, { label: `${label}.idempotency.lookup.records` }));
  const idempotency = declaration.idempotency;
  if (idempotency !== undefined && idempotency.header === undefined && idempotency.lookup === undefined) {
    issues.push({
      path: ['idempotency'],
      code: ACTION_DEFINITION_INVALID.code,
      message: 'a key alone makes nothing safe to retry: add `lookup` (how to find an earlier success) or `header` (a header the vendor dedupes on)',
    });
  }
  // Every failed part pushed an issue, so input and body are defined when there are none.
  if (issues.length > 0 || input === undefined || body === undefined) throw ACTION_DEFINITION_INVALID({ connector, action: name, issues });
  return new Action(connector, name, declaration, { input, body, map, records });
}
