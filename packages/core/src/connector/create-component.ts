import { INTERNAL } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { ComponentSlot, ConnectionInfo, TokenProvider } from './contract.js';
import { CORE_PLUGIN_NAME, type ComponentRegistry, type SlotComponent } from './registry.js';
import { callPlugin, wrapRuntime } from './wrap-plugin-call.js';

/** A component as YAML declares it: its type id plus its options. */
export interface ComponentUse {
  readonly type: string;
  readonly [option: string]: unknown;
}

/** What the caller hands to a component it creates; `log` gets the component's name bound. */
export interface ComponentScope {
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly connection?: ConnectionInfo | undefined;
  readonly tokens?: TokenProvider | undefined;
}

/** The runtime a slot's components create (`AuthRuntime` for `auth`, …). */
export type RuntimeOf<S extends ComponentSlot> = ReturnType<SlotComponent<S>['create']>;

/**
 * Creates a component through the registry, the same way for core's built-ins and for plugins:
 * `options` are the use's options (already validated against the component's schema, placeholders
 * already filled by the caller); plugin code is wrapped so its failures carry the plugin's name.
 * @example
 * const auth = createComponent(project.registry, 'auth', connector.auth, { log, signal });
 */
export function createComponent<S extends ComponentSlot>(registry: ComponentRegistry, slot: S, use: ComponentUse, scope: ComponentScope): RuntimeOf<S> {
  const registered = registry.get(slot, use.type);
  // The config validator checked every type against the registry; a miss here is a bug.
  if (registered === undefined) throw INTERNAL({ message: `no ${slot} component "${use.type}" is registered` });
  const { type, ...options } = use;
  const ctx = {
    log: scope.log.child({ component: type }),
    signal: scope.signal,
    now: () => new Date(),
    ...(scope.connection === undefined ? {} : { connection: scope.connection }),
    ...(scope.tokens === undefined ? {} : { tokens: scope.tokens }),
  };
  // Every slot's definitions take their validated options; `never` in the slot types only keeps
  // plugins from being typed against each other's options.
  const create = registered.definition.create as (options: unknown, context: typeof ctx) => RuntimeOf<S>;
  if (registered.plugin === CORE_PLUGIN_NAME) return create(options, ctx);
  const runtime = callPlugin(registered.plugin, `${type}.create`, () => create(options, ctx));
  return wrapRuntime(registered.plugin, type, runtime as object) as RuntimeOf<S>;
}
