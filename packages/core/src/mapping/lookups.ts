/**
 * `$store(vendorLocationId)`, `$product(vendorVariantId)` and `$inventory_item(vendorInventoryItemId)`
 * (the product whose variant counts stock through that item): vendor ids to natural keys through
 * the vendor-id map. The sync layer supplies the lookups (with a per-run cache); this file only
 * adapts them to JSONata and decides what a miss means.
 */
import { MAPPING_EVALUATE, MAPPING_LOOKUP_FAILED, MAPPING_LOOKUP_MISSING } from '../errors/index.js';

/** A lookup's answer: the natural key, or undefined when the vendor id is not in the map. */
export type LookupResult = string | undefined | Promise<string | undefined>;

/** Resolves vendor ids to natural keys; implemented by the sync layer over the vendor-id map. */
export interface IdLookups {
  store(vendorLocationId: string): LookupResult;
  product(vendorVariantId: string): LookupResult;
}

type Kind = 'store' | 'product' | 'inventory_item';

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * The JSONata-facing function for one kind. A missing argument (the record has no such field)
 * gives undefined, so the output field is left out; numbers become strings (Shopify ids are
 * numbers). A miss throws MAPPING_LOOKUP_MISSING: a record that refers to an unknown store or
 * product is dead-lettered with that reason rather than stored pointing nowhere (or, for
 * inventory, silently at the default store). A throwing lookup is an infrastructure failure:
 * MAPPING_LOOKUP_FAILED, which fails the page instead of dead-lettering its records.
 */
export function lookupFunction(kind: Kind, lookup: (vendorId: string) => LookupResult, label: string): (id: unknown) => unknown {
  const settle = (vendorId: string, found: unknown): string => {
    if (typeof found === 'string' && found.length > 0) return found;
    throw MAPPING_LOOKUP_MISSING({ kind, vendorId });
  };
  const failed = (err: unknown): never => {
    throw MAPPING_LOOKUP_FAILED({ kind, reason: err instanceof Error ? err.message : String(err) }, { cause: err });
  };
  return (id: unknown): unknown => {
    if (id === undefined || id === null) return undefined;
    if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) {
      throw MAPPING_EVALUATE({ label, function: `$${kind}`, reason: `expects one vendor id (a string or number), got ${Array.isArray(id) ? 'a list' : typeof id}` });
    }
    const vendorId = String(id);
    let found: LookupResult;
    try {
      found = lookup(vendorId);
    } catch (err) {
      return failed(err);
    }
    if (isPromise(found)) return found.then((value) => settle(vendorId, value), failed);
    return settle(vendorId, found);
  };
}
