import { ConfigSchemas, SLOT_LABELS } from '../config/index.js';
import { COMPONENT_SLOTS, type ComponentRegistry, type ComponentSlot } from '../connector/index.js';
import { COMPONENT_SLOT_KEYWORD } from '../json-schema/index.js';

type Json = Record<string, unknown>;

const PLUGIN_TYPE_ID = { type: 'string', pattern: '^[a-z][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_-]*$', description: 'A component from a plugin: <namespace>/<name>.' };

const isPlain = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const definitionOf = (slot: ComponentSlot): string => SLOT_LABELS[slot].replace(/[^a-z0-9]+/gi, '_').toLowerCase();

/** A plain JSON copy: TypeBox's symbol-keyed markers dropped, nothing shared with the source. */
const plain = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema)) as unknown;

/** Replaces every component slot in a schema with a reference to its slot's definition. */
function withSlotRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withSlotRefs);
  if (!isPlain(schema)) return schema;
  const slot = schema[COMPONENT_SLOT_KEYWORD];
  if (typeof slot === 'string' && slot in SLOT_LABELS) {
    const annotations = Object.fromEntries(Object.entries(schema).filter(([key]) => key === 'title' || key === 'description'));
    return { ...annotations, allOf: [{ $ref: `#/definitions/${definitionOf(slot as ComponentSlot)}` }] };
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, withSlotRefs(value)]));
}

/** A slot's definition: `type` names a built-in or a plugin component; a built-in's options follow its own schema. */
function slotDefinitions(registry: ComponentRegistry, slot: ComponentSlot): Record<string, Json> {
  const builtins = registry.ids(slot).filter((id) => !id.includes('/'));
  const name = definitionOf(slot);
  const label = SLOT_LABELS[slot];
  const definitions: Record<string, Json> = {
    [name]: {
      type: 'object',
      required: ['type'],
      properties: {
        type: {
          type: 'string',
          description: builtins.length > 0 ? `${builtins.join(', ')}, or <namespace>/<name> from a plugin.` : `The ${label} component: <namespace>/<name> from a plugin.`,
          anyOf: [...(builtins.length > 0 ? [{ enum: builtins }] : []), PLUGIN_TYPE_ID],
        },
      },
      ...(builtins.length === 0
        ? {}
        : { allOf: builtins.map((id) => ({ if: { properties: { type: { const: id } }, required: ['type'] }, then: { $ref: `#/definitions/${name}_${id}` } })) }),
    },
  };
  for (const id of builtins) {
    const options = withSlotRefs(plain(registry.schemaOf(slot, id))) as Json;
    const properties = isPlain(options['properties']) ? options['properties'] : {};
    definitions[`${name}_${id}`] = { ...options, properties: { type: { const: id }, ...properties } };
  }
  return definitions;
}

/**
 * The JSON Schema editors use for connectors.yaml (packages/core/schema/connectors.schema.json),
 * generated from the one source of every shape: the config's own schemas and each built-in
 * component's options schema, so completion and hovers describe exactly what is validated.
 * @example
 * writeFileSync('schema/connectors.schema.json', `${JSON.stringify(editorSchema(createCoreRegistry()), null, 2)}\n`);
 */
export function editorSchema(registry: ComponentRegistry): Json {
  const root = withSlotRefs(plain(ConfigSchemas.ConnectdConfigSchema)) as Json;
  const definitions = Object.assign({}, ...COMPONENT_SLOTS.map((slot) => slotDefinitions(registry, slot))) as Record<string, Json>;
  return { ...root, definitions };
}
