import { REDACTED } from './redact.js';
import { isSecretFieldName } from './secret-names.js';

/** Nesting deeper than this is shown as `[nested]`: a page shows a payload, it does not walk any depth. */
const MAX_DEPTH = 32;

/**
 * A copy of a JSON value with the value of every secret-named field censored: the names the log
 * redaction censors (the secret-name policy, `isSecretFieldName`) and the plugins' `meta.secrets`
 * field names. For showing a stored payload (a dead letter's record) to a person; scrub known
 * secret values from the serialised text as well (`SecretValues.scrub`), as the logger does.
 * @example
 * redactSecretFields({ sku: 'A', api_key: 'k_live_1' }); // { sku: 'A', api_key: '[redacted]' }
 */
export function redactSecretFields(value: unknown, extraFieldNames: readonly string[] = []): unknown {
  const extra = new Set(extraFieldNames.map((n) => n.toLowerCase()));
  const secret = (name: string): boolean => isSecretFieldName(name) || extra.has(name.toLowerCase());
  const walk = (node: unknown, depth: number): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (depth >= MAX_DEPTH) return '[nested]';
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1));
    return Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([key, item]) => [key, secret(key) ? REDACTED : walk(item, depth + 1)]));
  };
  return walk(value, 0);
}
