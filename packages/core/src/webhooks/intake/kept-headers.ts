/**
 * The headers kept with an inbox row: the ones processing may need (the declared event id, event
 * type and route headers, extra ones the connector names, and content-type) and never one that
 * could carry a credential or a signature, whatever the config says.
 */
import { isSecretHeaderName } from '../../log/index.js';
import type { HeaderBag } from '../verify/index.js';

/**
 * The lower-cased header names worth keeping: content-type, the headers the delivery keys read,
 * and extra ones the connector names; never a credential or signature header.
 * @example
 * keptHeaderNames(['x-shopify-topic'], []); // ['content-type', 'x-shopify-topic']
 */
export function keptHeaderNames(keyHeaders: readonly string[], extra: readonly string[] = []): string[] {
  const names = new Set<string>(['content-type']);
  for (const name of [...keyHeaders, ...extra]) names.add(name.toLowerCase());
  return [...names].filter((name) => !isSecretHeaderName(name));
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
