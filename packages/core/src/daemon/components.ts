import { callPlugin, CORE_PLUGIN_NAME, wrapRuntime, type ComponentRegistry, type ComponentSlot, type ConnectionInfo, type TokenProvider } from '../connector/index.js';
import { TemplateString } from '../http/index.js';
import type { Logger } from '../log/index.js';

/** Fills `{placeholders}` in component options from the connection's values (per-connection API keys). */
function renderOptions(options: Record<string, unknown>, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => [key, typeof value === 'string' ? new TemplateString(value).render(values) : value]),
  );
}

/** A component as YAML declares it: its type id plus its options. */
export interface ComponentUse {
  readonly type: string;
  readonly [option: string]: unknown;
}

/**
 * Creates a component through the registry: `{placeholders}` in string options are filled from the
 * connection's values, and plugin code is wrapped so its failures carry the plugin's name.
 */
export function createComponent<R>(
  registry: ComponentRegistry,
  slot: ComponentSlot,
  use: ComponentUse,
  context: { log: Logger; signal: AbortSignal; connection?: ConnectionInfo; tokens?: TokenProvider; values: Readonly<Record<string, unknown>> },
): R {
  const registered = registry.get(slot, use.type);
  if (registered === undefined) throw new TypeError(`no ${slot} component "${use.type}" is registered`);
  const { type, ...options } = use;
  const create = registered.definition.create as (options: unknown, ctx: unknown) => R;
  const ctx = {
    log: context.log.child({ component: type }),
    signal: context.signal,
    now: () => new Date(),
    ...(context.connection === undefined ? {} : { connection: context.connection }),
    ...(context.tokens === undefined ? {} : { tokens: context.tokens }),
  };
  const build = (): R => create(renderOptions(options, context.values), ctx);
  const runtime = registered.plugin === CORE_PLUGIN_NAME ? build() : callPlugin(registered.plugin, `${type}.create`, build);
  // Core's own components throw coded errors of their own; only plugin code gets the plugin wrapper.
  return registered.plugin === CORE_PLUGIN_NAME ? runtime : (wrapRuntime(registered.plugin, type, runtime as object) as R);
}

