import type { Change } from '../changes/index.js';
import type { FlowConfig } from '../config/index.js';
import { FLOWS_FILTER_FAILED, FLOWS_INPUT_FAILED, isConnectdError } from '../errors/index.js';
import { compileExpression, type CompiledExpression, type MappingFunctionEntry } from '../mapping/index.js';

/** How a flow picks the connection its action runs on: the change tenant's one, or a named one. */
export type FlowConnection = 'tenant' | { readonly id: string };

/** What a flow's input expression may call besides JSONata's own functions (see bindings.ts). */
export type FlowBindings = Readonly<Record<string, unknown>>;

/** A flow compiled once at load. */
export interface CompiledFlow {
  readonly name: string;
  readonly entity: string;
  /** Only changes written by this connector; undefined: any. */
  readonly sourceConnector: string | undefined;
  readonly target: { readonly connector: string; readonly action: string; readonly connection: FlowConnection };
  /** Whether the change is one the flow is about (entity and connector): cheap, no JSONata. */
  concerns(change: Change): boolean;
  /** Whether `when.filter` gives true for the change. Rejects with CONNECTD_ERR_FLOWS_FILTER_FAILED. */
  matches(change: Change): Promise<boolean>;
  /** The action's input for the change (one JSON object). Rejects with CONNECTD_ERR_FLOWS_INPUT_FAILED. */
  input(change: Change, bindings: FlowBindings): Promise<Record<string, unknown>>;
}

/** A load-time problem of one flow at its YAML path (`flows.<name>.when.filter`, …). */
export interface FlowCompileIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly code: string;
  readonly message: string;
}

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

class Flow implements CompiledFlow {
  readonly name: string;
  readonly entity: string;
  readonly sourceConnector: string | undefined;
  readonly target: CompiledFlow['target'];
  readonly #filter: CompiledExpression | undefined;
  readonly #input: CompiledExpression;

  constructor(name: string, config: FlowConfig, filter: CompiledExpression | undefined, input: CompiledExpression) {
    this.name = name;
    this.entity = config.when.entity;
    this.sourceConnector = config.when.connector;
    const connection = config.then.connection;
    this.target = { connector: config.then.connector, action: config.then.action, connection: connection === undefined || connection === 'tenant' ? 'tenant' : { id: connection.id } };
    this.#filter = filter;
    this.#input = input;
  }

  concerns(change: Change): boolean {
    return change.entity === this.entity && (this.sourceConnector === undefined || change.connector === this.sourceConnector);
  }

  async matches(change: Change): Promise<boolean> {
    if (this.#filter === undefined) return true;
    try {
      // Only true runs the flow: a filter that gives nothing (a missing field) does not.
      return (await this.#filter.evaluate(change)) === true;
    } catch (err) {
      throw FLOWS_FILTER_FAILED({ flow: this.name, position: change.position, reason: reasonOf(err) }, { cause: err });
    }
  }

  async input(change: Change, bindings: FlowBindings): Promise<Record<string, unknown>> {
    let value: unknown;
    try {
      value = await this.#input.evaluate(change, bindings);
    } catch (err) {
      throw FLOWS_INPUT_FAILED({ flow: this.name, position: change.position, reason: reasonOf(err) }, { cause: err });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const found = value === undefined ? 'nothing' : Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
      throw FLOWS_INPUT_FAILED({ flow: this.name, position: change.position, reason: `then.input gave ${found}; it must give one JSON object` });
    }
    return value as Record<string, unknown>;
  }
}

/**
 * Compiles every flow once at load: its filter and input expressions (with the plugins'
 * functions). Each problem is collected with its YAML path, so `connectd validate` reports all of
 * them at once; the references (entity, connectors, action) were checked with the config.
 * @example
 * const { flows, issues } = compileFlows(config.flows, { functions: registry.functions() });
 */
export function compileFlows(
  config: Readonly<Record<string, FlowConfig>> | undefined,
  options: { readonly functions?: readonly MappingFunctionEntry[] } = {},
): { readonly flows: readonly CompiledFlow[]; readonly issues: readonly FlowCompileIssue[] } {
  const flows: CompiledFlow[] = [];
  const issues: FlowCompileIssue[] = [];
  for (const [name, flow] of Object.entries(config ?? {})) {
    const compile = (path: readonly string[], expression: string): CompiledExpression | undefined => {
      try {
        return compileExpression(expression, { functions: options.functions ?? [], label: ['flows', name, ...path].join('.') });
      } catch (err) {
        if (!isConnectdError(err)) throw err;
        issues.push({ path: ['flows', name, ...path], code: err.code, message: err.message });
        return undefined;
      }
    };
    const filter = flow.when.filter === undefined ? undefined : compile(['when', 'filter'], flow.when.filter);
    const input = compile(['then', 'input'], flow.then.input);
    if (input === undefined || (flow.when.filter !== undefined && filter === undefined)) continue;
    flows.push(new Flow(name, flow, filter, input));
  }
  return { flows, issues };
}
