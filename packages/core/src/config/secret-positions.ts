import type { YamlPath } from './issues.js';

// Key names whose values are credentials. Suffix forms (`access_token`, `signature_key`) count too.
const SECRET_KEY = /(^|[_-])(token|secret|secrets|password|passphrase|api_key|apikey|client_secret|key|credentials?)$/i;
// Variable names that announce a credential, whatever key they are assigned to.
const SECRET_VARIABLE = /KEY|SECRET|TOKEN|PASSWORD|PASSPHRASE|CREDENTIAL/i;
// Header names that carry credentials.
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token|.*-token|.*-secret)$/i;

/**
 * Decides whether an interpolated value is a secret the logger must scrub: the YAML key looks like
 * a credential (or is a credential-bearing header, or the `value` of an api_key auth), or the
 * variable's name does. False positives only cost a few scrubbed strings; false negatives leak.
 * @example
 * isSecretPosition(['connectors', 'storq', 'auth', 'token'], 'STORQ_API_KEY'); // true
 */
export function isSecretPosition(path: YamlPath, variable: string): boolean {
  if (SECRET_VARIABLE.test(variable)) return true;
  const keys = path.filter((segment): segment is string => typeof segment === 'string');
  const key = keys[keys.length - 1];
  if (key === undefined) return false;
  if (SECRET_KEY.test(key)) return true;
  const parent = keys[keys.length - 2];
  if (parent === 'headers' && SECRET_HEADER.test(key)) return true;
  // `auth: { type: api_key, value: ... }` holds the key itself under a neutral name.
  if (parent === 'auth' && key === 'value') return true;
  return false;
}
