/**
 * The component registry: type id → definition, for core's built-ins (bare ids such as `bearer`)
 * and every loaded plugin (`namespace/key`, such as `shopify/throttled`). Built-ins and plugins go
 * through the same code, as ESLint registers core and plugin rules alike. One registry per
 * process, made by the composition root; nothing here is module-level state.
 */
import { PLUGIN_DUPLICATE_TYPE } from '../errors/index.js';
import {
  COMPONENT_SLOTS,
  type ComponentCatalog,
  type ComponentSlot,
  type ConnectorPreset,
  type ConnectorSlots,
  type JsonSchema,
  type LoadedPluginMeta,
  type MappingFunction,
} from './contract.js';
import type { LoadedPlugin } from './load-plugins.js';

/** The name registry entries of core's own components carry as their `plugin`. */
export const CORE_PLUGIN_NAME = '@connectd/core';

/** The component definition type a slot holds (e.g. `ComponentDefinition<never, AuthRuntime>`). */
export type SlotComponent<S extends ComponentSlot> = NonNullable<ConnectorSlots[S]>[string];

/** A registered component and the package that provides it (for wrapping its calls). */
export interface RegisteredComponent<S extends ComponentSlot = ComponentSlot> {
  readonly definition: SlotComponent<S>;
  /** Package name: the plugin's `meta.name`, or {@link CORE_PLUGIN_NAME} for built-ins. */
  readonly plugin: string;
}

/** A mapping function as JSONata sees it. */
export interface RegisteredFunction {
  /** Name with `$`: `$<namespace>_<key>` for plugins (dashes in the namespace become `_`), `$<key>` for built-ins. */
  readonly name: string;
  readonly plugin: string;
  readonly signature?: string | undefined;
  readonly impl: MappingFunction['impl'];
}

/** {@link ComponentCatalog} for the config validator, plus lookups for the engine. */
export interface ComponentRegistry extends ComponentCatalog {
  /** The component registered under `id` in `slot`, or undefined. */
  get<S extends ComponentSlot>(slot: S, id: string): RegisteredComponent<S> | undefined;
  /** Every mapping function, built-ins first, then plugins in `plugins:` order. */
  functions(): readonly RegisteredFunction[];
  /** Field names plugins ask to redact (`meta.secrets` of all plugins, without repeats). */
  secretFields(): readonly string[];
  /** Meta of the loaded plugins, in `plugins:` order. */
  plugins(): readonly LoadedPluginMeta[];
}

interface Source {
  readonly plugin: string;
  readonly slots: ConnectorSlots;
  /** `namespace/` for plugins, empty for built-ins. */
  readonly idPrefix: string;
  /** `namespace_` for plugin functions, empty for built-ins. */
  readonly functionPrefix: string;
}

class Registry implements ComponentRegistry {
  readonly #components = new Map<ComponentSlot, Map<string, RegisteredComponent>>(COMPONENT_SLOTS.map((s) => [s, new Map()]));
  readonly #presets = new Map<string, { preset: ConnectorPreset; plugin: string }>();
  readonly #functions = new Map<string, RegisteredFunction>();
  readonly #metas: readonly LoadedPluginMeta[];
  readonly #secretFields: readonly string[];

  constructor(sources: readonly Source[], metas: readonly LoadedPluginMeta[]) {
    this.#metas = metas;
    this.#secretFields = [...new Set(metas.flatMap((m) => m.secrets ?? []))];
    const clashes = new Map<string, { slot: string; id: string; plugins: string[] }>();
    const clash = (slot: string, id: string, first: string, second: string): void => {
      const key = `${slot}\u0000${id}`;
      const found = clashes.get(key);
      if (found === undefined) clashes.set(key, { slot, id, plugins: [first, second] });
      else found.plugins.push(second);
    };
    for (const source of sources) {
      for (const slot of COMPONENT_SLOTS) {
        const byId = this.#components.get(slot) ?? new Map<string, RegisteredComponent>();
        for (const [key, definition] of Object.entries(source.slots[slot] ?? {})) {
          const id = `${source.idPrefix}${key}`;
          const existing = byId.get(id);
          if (existing !== undefined) clash(slot, id, existing.plugin, source.plugin);
          else byId.set(id, { definition, plugin: source.plugin });
        }
      }
      for (const [key, preset] of Object.entries(source.slots.presets ?? {})) {
        const id = `${source.idPrefix}${key}`;
        const existing = this.#presets.get(id);
        if (existing !== undefined) clash('presets', id, existing.plugin, source.plugin);
        else this.#presets.set(id, { preset, plugin: source.plugin });
      }
      for (const [key, fn] of Object.entries(source.slots.functions ?? {})) {
        const name = `$${source.functionPrefix}${key}`;
        const existing = this.#functions.get(name);
        if (existing !== undefined) clash('functions', name, existing.plugin, source.plugin);
        else this.#functions.set(name, { name, plugin: source.plugin, signature: fn.signature, impl: fn.impl });
      }
    }
    if (clashes.size > 0) throw PLUGIN_DUPLICATE_TYPE({ duplicates: [...clashes.values()] });
  }

  ids(slot: ComponentSlot): readonly string[] {
    return [...(this.#components.get(slot)?.keys() ?? [])];
  }

  schemaOf(slot: ComponentSlot, id: string): JsonSchema | undefined {
    return this.#components.get(slot)?.get(id)?.definition.meta.schema;
  }

  preset(id: string): ConnectorPreset | undefined {
    return this.#presets.get(id)?.preset;
  }

  presetIds(): readonly string[] {
    return [...this.#presets.keys()];
  }

  get<S extends ComponentSlot>(slot: S, id: string): RegisteredComponent<S> | undefined {
    // The map for `slot` only ever receives definitions from that slot.
    return this.#components.get(slot)?.get(id) as RegisteredComponent<S> | undefined;
  }

  functions(): readonly RegisteredFunction[] {
    return [...this.#functions.values()];
  }

  secretFields(): readonly string[] {
    return this.#secretFields;
  }

  plugins(): readonly LoadedPluginMeta[] {
    return this.#metas;
  }
}

/**
 * Builds the registry from core's built-in components and the loaded plugins. Throws
 * CONNECTD_ERR_PLUGIN_DUPLICATE_TYPE listing every id registered twice (components, presets, or
 * mapping functions, whose `$ns_name` form can clash across namespaces).
 * @example
 * const registry = createComponentRegistry({ auth: { bearer, basic } }, await loadPlugins(specs, options));
 * registry.ids('auth'); // ['bearer', 'basic', 'storq/...']
 * const entry = registry.get('webhookVerifiers', 'shopify/hmac');
 */
export function createComponentRegistry(builtins: ConnectorSlots, plugins: readonly LoadedPlugin[]): ComponentRegistry {
  const sources: Source[] = [
    { plugin: CORE_PLUGIN_NAME, slots: builtins, idPrefix: '', functionPrefix: '' },
    ...plugins.map((p) => ({
      plugin: p.meta.name,
      slots: p.plugin,
      idPrefix: `${p.meta.namespace}/`,
      // JSONata identifiers cannot hold a dash.
      functionPrefix: `${p.meta.namespace.replace(/-/g, '_')}_`,
    })),
  ];
  return new Registry(
    sources,
    plugins.map((p) => p.meta),
  );
}
