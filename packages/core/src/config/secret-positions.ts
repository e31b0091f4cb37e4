import { isSecretConfigKey, isSecretHeaderName, isSecretVariableName } from '../log/index.js';
import type { YamlPath } from './issues.js';

/**
 * Decides whether an interpolated value is a secret the logger must scrub: the YAML key looks like
 * a credential (or is a credential-bearing header, or the `value` of an api_key auth), or the
 * variable's name does. False positives only cost a few scrubbed strings; false negatives leak.
 * @example
 * isSecretPosition(['connectors', 'storq', 'auth', 'token'], 'STORQ_API_KEY'); // true
 */
export function isSecretPosition(path: YamlPath, variable: string): boolean {
  if (isSecretVariableName(variable)) return true;
  const keys = path.filter((segment): segment is string => typeof segment === 'string');
  const key = keys[keys.length - 1];
  if (key === undefined) return false;
  if (isSecretConfigKey(key)) return true;
  const parent = keys[keys.length - 2];
  if (parent === 'headers' && isSecretHeaderName(key)) return true;
  // `auth: { type: api_key, value: ... }` holds the key itself under a neutral name.
  if (parent === 'auth' && key === 'value') return true;
  return false;
}
