/**
 * Checks a plugin's default export against the contract at run time. The types of `defineConnector`
 * cannot be trusted here: a plugin may be plain JS, or built against another version of core.
 * Returns every problem found, so the author fixes them in one round.
 */
import semver from 'semver';
import { COMPONENT_SLOTS, SLOT_NAMES, type ComponentSlot } from './contract.js';
import { didYouMean } from '../errors/index.js';

/** Namespaces prefix component ids in YAML (`storq/hmac`), so they stay short and URL-safe. */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9-]*$/;
/** Keys of components and presets: the part after `namespace/` in YAML. */
export const COMPONENT_KEY_PATTERN = /^[a-z][a-z0-9_-]*$/;
/** Keys of mapping functions: they become part of a JSONata identifier. */
export const FUNCTION_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

const KNOWN_KEYS: readonly string[] = ['meta', ...SLOT_NAMES];

/** Objects of any prototype: a plugin may build its definitions with classes or factories. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON data (schemas, preset fragments) must be plain objects. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function checkMeta(meta: unknown, problems: string[]): void {
  if (!isObject(meta)) {
    problems.push(`meta must be an object (got ${describe(meta)})`);
    return;
  }
  const { name, version, namespace, engine, secrets } = meta;
  // Both are read from package.json at load; a plugin may still declare them (they must then agree).
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) problems.push('meta.name, when given, must be a non-empty string');
  if (version !== undefined && (typeof version !== 'string' || semver.valid(version) === null)) {
    problems.push('meta.version, when given, must be a semver version such as "0.1.0"');
  }
  if (typeof namespace !== 'string' || !NAMESPACE_PATTERN.test(namespace)) {
    problems.push(`meta.namespace must match ${NAMESPACE_PATTERN.source} (got ${JSON.stringify(namespace) ?? 'undefined'})`);
  }
  if (typeof engine !== 'string' || semver.validRange(engine) === null) {
    problems.push('meta.engine must be a semver range of @connectd/core, such as "^0.1.0"');
  }
  if (secrets !== undefined && (!Array.isArray(secrets) || !secrets.every((s) => typeof s === 'string' && s.length > 0))) {
    problems.push('meta.secrets must be an array of non-empty field names');
  }
}

function checkComponent(slot: ComponentSlot, key: string, component: unknown, problems: string[]): void {
  const where = `${slot}.${key}`;
  if (!COMPONENT_KEY_PATTERN.test(key)) problems.push(`${where}: key must match ${COMPONENT_KEY_PATTERN.source}`);
  if (!isObject(component)) {
    problems.push(`${where} must be a component object (got ${describe(component)})`);
    return;
  }
  const { meta, create } = component;
  if (!isObject(meta)) {
    problems.push(`${where}.meta must be an object (got ${describe(meta)})`);
  } else {
    // The key is the id users write in YAML; a different meta.type would make logs disagree with it.
    if (meta['type'] !== key) problems.push(`${where}.meta.type must equal its key "${key}"`);
    if (typeof meta['description'] !== 'string') problems.push(`${where}.meta.description must be a string`);
    if (!isPlainObject(meta['schema'])) problems.push(`${where}.meta.schema must be a JSON Schema object`);
  }
  if (typeof create !== 'function') problems.push(`${where}.create must be a function`);
}

function checkFunction(key: string, fn: unknown, problems: string[]): void {
  const where = `functions.${key}`;
  if (!FUNCTION_KEY_PATTERN.test(key)) problems.push(`${where}: key must match ${FUNCTION_KEY_PATTERN.source}`);
  if (!isObject(fn) || typeof fn['impl'] !== 'function') {
    problems.push(`${where} must be { impl: function, signature?: string }`);
  } else if (fn['signature'] !== undefined && typeof fn['signature'] !== 'string') {
    problems.push(`${where}.signature must be a JSONata signature string`);
  }
}

function checkPreset(key: string, preset: unknown, problems: string[]): void {
  const where = `presets.${key}`;
  if (!COMPONENT_KEY_PATTERN.test(key)) problems.push(`${where}: key must match ${COMPONENT_KEY_PATTERN.source}`);
  if (!isObject(preset) || typeof preset['description'] !== 'string' || !isPlainObject(preset['config'])) {
    problems.push(`${where} must be { description: string, config: object }`);
  } else if ('extends' in preset['config']) {
    // Presets do not chain (PresetConfig has no `extends`); the merge would drop it silently.
    problems.push(`${where}.config.extends: a preset cannot extend other presets; merge their keys into it`);
  }
}

/**
 * Lists everything wrong with a plugin module's default export (empty when it is valid).
 * @example
 * const problems = checkPluginShape(module.default);
 * if (problems.length > 0) throw PLUGIN_INVALID_EXPORT({ plugin, index, problems });
 */
export function checkPluginShape(plugin: unknown): string[] {
  if (plugin === undefined) return ['no default export (expected `export default defineConnector({ meta, ... })`)'];
  if (!isObject(plugin)) return [`the default export must be an object (got ${describe(plugin)})`];
  const problems: string[] = [];
  checkMeta(plugin['meta'], problems);
  for (const key of Object.keys(plugin)) {
    if (KNOWN_KEYS.includes(key)) continue;
    const suggestion = didYouMean(key, SLOT_NAMES);
    problems.push(`unknown slot "${key}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}; slots are ${SLOT_NAMES.join(', ')}`);
  }
  for (const slot of SLOT_NAMES) {
    const entries = plugin[slot];
    if (entries === undefined) continue;
    if (!isObject(entries)) {
      problems.push(`${slot} must be an object keyed by id (got ${describe(entries)})`);
      continue;
    }
    for (const [key, value] of Object.entries(entries)) {
      if (slot === 'functions') checkFunction(key, value, problems);
      else if (slot === 'presets') checkPreset(key, value, problems);
      else if ((COMPONENT_SLOTS as readonly string[]).includes(slot)) checkComponent(slot, key, value, problems);
    }
  }
  return problems;
}
