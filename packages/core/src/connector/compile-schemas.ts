/**
 * Compiles every component options schema of a plugin once, at load time, so a broken schema is
 * reported when the daemon starts (CONNECTD_ERR_PLUGIN_SCHEMA_INVALID) instead of when a config
 * first uses the component. The config validator then checks options with the same validators.
 */
import type { Options as AjvOptions } from 'ajv';
import { ajvByDialect, rememberValidator } from '../json-schema/index.js';
import { COMPONENT_SLOTS, type ConnectorPlugin } from './contract.js';

/**
 * strictSchema: a misspelt keyword ("requried") or an unknown format is a schema bug, and ajv's
 * strict schema mode is what finds it. The other strict checks reject valid JSON Schema (e.g.
 * `required` without `properties`) or only warn through ajv's logger, so they are off.
 */
const AJV_OPTIONS: AjvOptions = {
  allErrors: true,
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  logger: false,
  // What the config validator reports options errors from (the schema beside each error).
  verbose: true,
};

/** A component whose schema did not compile; `component` is `slot.key`. */
export interface SchemaProblem {
  readonly component: string;
  readonly reason: string;
  readonly cause: unknown;
}

/**
 * Compiles each component schema of `plugin` and returns those that fail (empty when all compile).
 * Schemas declaring draft 2020-12 in `$schema` compile with ajv's 2020 dialect, others as draft-07.
 * One ajv instance per plugin and dialect, so two plugins may reuse the same `$id`. Each validator
 * is remembered (`rememberValidator`) for the config validator.
 * @example
 * for (const p of compileComponentSchemas(plugin)) errors.push(PLUGIN_SCHEMA_INVALID({ plugin: spec, index, ...p }));
 */
export function compileComponentSchemas(plugin: ConnectorPlugin): SchemaProblem[] {
  const ajvFor = ajvByDialect(AJV_OPTIONS);
  const problems: SchemaProblem[] = [];
  for (const slot of COMPONENT_SLOTS) {
    for (const [key, component] of Object.entries(plugin[slot] ?? {})) {
      const schema = component.meta.schema;
      try {
        rememberValidator(schema, ajvFor(schema).compile(schema));
      } catch (err) {
        problems.push({ component: `${slot}.${key}`, reason: err instanceof Error ? err.message : String(err), cause: err });
      }
    }
  }
  return problems;
}
