/**
 * The headers kept with an inbox row: the ones processing may need (the declared event id, event
 * type and route headers, extra ones the connector names, and content-type) and never one that
 * could carry a credential or a signature, whatever the config says.
 */
import type { HeaderBag } from '../verify/index.js';

/** Header names that are never stored, even when declared. */
const NEVER_KEPT = /authorization|cookie|signature|hmac|secret|token|api-key|apikey|password/i;

/**
 * Picks the lower-cased header names worth keeping from the connector's declarations.
 * @example
 * keptHeaderNames(['header:X-Shopify-Topic', '$.id'], []); // ['content-type', 'x-shopify-topic']
 */
export function keptHeaderNames(specs: ReadonlyArray<string | undefined>, extra: readonly string[] = []): string[] {
  const names = new Set<string>(['content-type']);
  for (const spec of specs) if (spec?.startsWith('header:') === true) names.add(spec.slice('header:'.length).toLowerCase());
  for (const name of extra) names.add(name.toLowerCase());
  return [...names].filter((name) => !NEVER_KEPT.test(name));
}

/** The kept headers of one request, as strings (repeated headers joined with ", "). */
export function pickHeaders(headers: HeaderBag, names: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}
