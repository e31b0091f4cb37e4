import { didYouMean, isConnectdError, MAPPING_UNKNOWN_ENTITY, type ConnectdError } from '../../errors/index.js';
import {
  compileMapping,
  compileRecordsPath,
  type CompiledMapping,
  type EntityCatalog,
  type MappingFunctionEntry,
  type RecordsPath,
} from '../../mapping/index.js';
import { compileFieldPath, type FieldReader } from './field-path.js';

/** A `webhooks.events.<type>` entry of connectors.yaml (the fields processing reads). */
export interface WebhookEventDeclaration {
  readonly entity: string;
  readonly map?: string | undefined;
  readonly records?: string | undefined;
}

/** A connector's `webhooks:` block (the fields processing reads; verification is the intake's). */
export interface WebhookDeclaration {
  readonly event_type?: string | undefined;
  readonly route?: string | undefined;
  readonly events: Readonly<Record<string, WebhookEventDeclaration>>;
}

/** One event type, compiled once at load. */
export interface CompiledWebhookEvent {
  readonly type: string;
  readonly entity: string;
  /** `connectors.<c>.webhooks.events.<type>`, for messages. */
  readonly label: string;
  readonly mapping: CompiledMapping;
  /** Picks the records out of the event; without `records:` the event itself is the one record. */
  readonly records: RecordsPath;
}

/** A connector's webhook processing, compiled once at load. */
export interface CompiledWebhooks {
  readonly connector: string;
  /** Reads the event type; undefined when the connector declares no `event_type`. */
  readonly eventTypeOf: FieldReader | undefined;
  /** Reads the routing key; undefined when the connector declares no `route`. */
  readonly routeOf: FieldReader | undefined;
  readonly events: ReadonlyMap<string, CompiledWebhookEvent>;
}

/** A declaration that does not compile, with its YAML path. */
export interface WebhookCompileIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly error: ConnectdError;
}

export interface CompileWebhooksOptions {
  readonly catalog: EntityCatalog;
  /** Plugin mapping functions (`registry.functions()`). */
  readonly functions?: readonly MappingFunctionEntry[];
}

/**
 * Compiles the webhook processing of every connector that declares `webhooks:`: JSONata mappings,
 * records paths, and the event-type and route readers, once, at load. Problems (a mapping that does
 * not compile, an unknown entity) are collected with their YAML path rather than thrown, so
 * `validate` can report them all at once; the connectors with issues are left out of the result.
 * @example
 * const { connectors, issues } = compileWebhooks(
 *   { storq: config.connectors.storq.webhooks },
 *   { catalog: project.catalog, functions: project.registry.functions() },
 * );
 * connectors.get('storq')?.events.get('stock.updated')?.mapping;
 */
export function compileWebhooks(
  declarations: Readonly<Record<string, WebhookDeclaration | undefined>>,
  options: CompileWebhooksOptions,
): { connectors: Map<string, CompiledWebhooks>; issues: WebhookCompileIssue[] } {
  const connectors = new Map<string, CompiledWebhooks>();
  const issues: WebhookCompileIssue[] = [];
  for (const [connector, declaration] of Object.entries(declarations)) {
    if (declaration === undefined) continue;
    const base = ['connectors', connector, 'webhooks'];
    const before = issues.length;
    const attempt = <T>(path: ReadonlyArray<string | number>, compile: () => T): T | undefined => {
      try {
        return compile();
      } catch (err) {
        if (!isConnectdError(err)) throw err;
        issues.push({ path, error: err });
        return undefined;
      }
    };
    const label = base.join('.');
    const eventTypeOf =
      declaration.event_type === undefined ? undefined : attempt([...base, 'event_type'], () => compileFieldPath(declaration.event_type!, `${label}.event_type`));
    const routeOf = declaration.route === undefined ? undefined : attempt([...base, 'route'], () => compileFieldPath(declaration.route!, `${label}.route`));
    const events = new Map<string, CompiledWebhookEvent>();
    for (const [type, event] of Object.entries(declaration.events)) {
      const path = [...base, 'events', type];
      const eventLabel = `${label}.events.${type}`;
      if (options.catalog.get(event.entity) === undefined) {
        const known = options.catalog.names();
        const suggestion = didYouMean(event.entity, known);
        issues.push({
          path: [...path, 'entity'],
          error: MAPPING_UNKNOWN_ENTITY({ entity: event.entity, known, ...(suggestion === undefined ? {} : { suggestion }) }),
        });
        continue;
      }
      const mapping = attempt([...path, 'map'], () =>
        compileMapping(event.map, { functions: options.functions ?? [], label: `${eventLabel}.map` }),
      );
      const records = attempt([...path, 'records'], () => compileRecordsPath(event.records, { label: `${eventLabel}.records` }));
      if (mapping === undefined || records === undefined) continue;
      events.set(type, { type, entity: event.entity, label: eventLabel, mapping, records });
    }
    if (issues.length === before) connectors.set(connector, { connector, eventTypeOf, routeOf, events });
  }
  return { connectors, issues };
}
