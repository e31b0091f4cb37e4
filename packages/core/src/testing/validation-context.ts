/**
 * Validation contexts for tests of the config layer: core's real built-in components (validated by
 * their own schemas, as in a daemon), the canonical entities, and any plugin components or presets
 * a test adds.
 */
import type { ValidationContext } from '../config/index.js';
import type { ComponentCatalog, ComponentSlot, ConnectorPreset, JsonSchema, LoadedPlugin } from '../connector/index.js';
import { CANONICAL_ENTITIES } from '../mapping/index.js';
import { createCoreRegistry } from '../project/index.js';

/**
 * A context with core's built-ins, the loaded `plugins`, and extra component schemas and presets.
 * @example
 * validateConfig(parsed, validationContext({ components: { paginators: { 'storq/page_cursor': schema } } }));
 */
export function validationContext(
  options: {
    readonly plugins?: readonly LoadedPlugin[];
    readonly components?: Partial<Record<ComponentSlot, Record<string, JsonSchema>>>;
    readonly presets?: Readonly<Record<string, ConnectorPreset>>;
  } = {},
): ValidationContext {
  const registry = createCoreRegistry(options.plugins ?? []);
  const extra = options.components ?? {};
  const catalog: ComponentCatalog = {
    ids: (slot) => [...registry.ids(slot), ...Object.keys(extra[slot] ?? {})],
    schemaOf: (slot, id) => extra[slot]?.[id] ?? registry.schemaOf(slot, id),
    preset: (id) => options.presets?.[id] ?? registry.preset(id),
    presetIds: () => [...registry.presetIds(), ...Object.keys(options.presets ?? {})],
  };
  return { catalog, canonicalEntities: CANONICAL_ENTITIES.map((e) => e.name) };
}
