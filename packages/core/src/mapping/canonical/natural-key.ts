import { MAPPING_NATURAL_KEY } from '../../errors/index.js';

/** A usable key part: a non-empty string, or a finite number (vendor ids are often numeric). */
export function keyPart(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * A natural key rule "`key` ?? first of `fields` that is set". Used by the canonical entities
 * whose key is one field (or one of several alternatives).
 * @example
 * const storeKey = firstOf('store', ['vendor_location_id', 'vendor_id']);
 * storeKey({ vendor_location_id: 'L1' }); // 'L1'
 */
export function firstOf(entity: string, fields: readonly string[]): (value: Readonly<Record<string, unknown>>) => string {
  const needs = ['key', ...fields].map((f) => `"${f}"`).join(' or ');
  return (value) => {
    const key = keyPart(value['key']);
    if (key !== undefined) return key;
    for (const field of fields) {
      const part = keyPart(value[field]);
      if (part !== undefined) return part;
    }
    throw MAPPING_NATURAL_KEY({ entity, needs });
  };
}
