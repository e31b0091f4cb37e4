import { isConnectdError, type ConnectdError } from '../errors/index.js';
import type { EntityCatalog, MappingFunctionEntry } from '../mapping/index.js';
import { compileEventAction, type EventAction, type WebhookEventDeclaration } from './event-action.js';
import { compileDeliveryKeys, type DeliveryKeyDeclaration, type DeliveryKeys } from './keys.js';

export type { WebhookEventDeclaration };

/** A connector's `webhooks:` block as connectors.yaml declares it; the config model fits it. */
export interface WebhookDeclaration extends DeliveryKeyDeclaration {
  readonly path?: string | undefined;
  readonly body_limit_bytes?: number | undefined;
  /** The verifier component: `type` plus its options. */
  readonly verify: { readonly type: string; readonly [option: string]: unknown };
  readonly events: Readonly<Record<string, WebhookEventDeclaration>>;
}

/** One event type, compiled once at load. */
export interface CompiledWebhookEvent {
  readonly type: string;
  /** `connectors.<c>.webhooks.events.<type>`, for messages. */
  readonly label: string;
  /** Map (after an optional fetch), run a stream, or mark the connection. */
  readonly action: EventAction;
}

/** A connector's webhooks, compiled once at load: what the intake and processing both read. */
export interface CompiledWebhooks {
  readonly connector: string;
  /** Dedupe key, event type and routing key readers. */
  readonly keys: DeliveryKeys;
  /** The verifier component as declared; the composition root creates it through the registry. */
  readonly verify: WebhookDeclaration['verify'];
  /** Extra route besides `/webhooks/<connector>` (`webhooks.path`). */
  readonly path: string | undefined;
  /** Largest body accepted (`webhooks.body_limit_bytes`); undefined: the global limit. */
  readonly bodyLimitBytes: number | undefined;
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
  /** Each connector's base_url, for follow-up fetches with a relative path. */
  readonly baseUrls?: Readonly<Record<string, string | undefined>>;
}

/**
 * Compiles the webhooks of every connector that declares `webhooks:`: JSONata mappings, records
 * paths, and the delivery keys (dedupe, event type, route), once, at load. Problems (a mapping that does
 * not compile, an unknown entity) are collected with their YAML path rather than thrown, so
 * `validate` can report them all at once; the connectors with issues are left out of the result.
 * @example
 * const { connectors, issues } = compileWebhooks(
 *   { storq: config.connectors.storq.webhooks },
 *   { catalog: project.catalog, functions: project.registry.functions() },
 * );
 * connectors.get('storq')?.events.get('stock.updated')?.action; // { kind: 'map', records, mapper }
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
    const label = base.join('.');
    const keys = attemptKeys(declaration, base, issues);
    const events = new Map<string, CompiledWebhookEvent>();
    for (const [type, event] of Object.entries(declaration.events)) {
      const path = [...base, 'events', type];
      const eventLabel = `${label}.events.${type}`;
      const action = compileEventAction(event, {
        catalog: options.catalog,
        functions: options.functions ?? [],
        baseUrl: options.baseUrls?.[connector] ?? '',
        label: eventLabel,
        issue: (at, err) => {
          if (!isConnectdError(err)) throw err;
          issues.push({ path: [...path, ...at], error: err });
        },
      });
      if (action !== undefined) events.set(type, { type, label: eventLabel, action });
    }
    if (issues.length === before && keys !== undefined) {
      connectors.set(connector, {
        connector,
        keys,
        verify: declaration.verify,
        path: declaration.path,
        bodyLimitBytes: declaration.body_limit_bytes,
        events,
      });
    }
  }
  return { connectors, issues };
}

/** Compiles the delivery keys; a bad key path becomes an issue at its own YAML key. */
function attemptKeys(declaration: WebhookDeclaration, base: ReadonlyArray<string | number>, issues: WebhookCompileIssue[]): DeliveryKeys | undefined {
  const before = issues.length;
  for (const key of ['event_id', 'event_type', 'route'] as const) {
    try {
      compileDeliveryKeys({ [key]: declaration[key] }, base.join('.'));
    } catch (err) {
      if (!isConnectdError(err)) throw err;
      issues.push({ path: [...base, key], error: err });
    }
  }
  return issues.length === before ? compileDeliveryKeys(declaration, base.join('.')) : undefined;
}
