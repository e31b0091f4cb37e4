/**
 * What every writer of entities hands on: mapped rows and the records that failed. Syncs, webhook
 * processing and dead-letter replay all map through a RecordMapper (record-mapper.ts) and write
 * through one entity writer, so a record means the same thing whichever way it arrived.
 */
import type { IdLookups } from './lookups.js';

/** One entity ready to write: which entity, its natural key and the mapped value (with its source fields). */
export interface EntityRow {
  readonly entity: string;
  readonly naturalKey: string;
  readonly value: Readonly<Record<string, unknown>>;
}

/** A record that could not be mapped or failed its entity's schema: what its dead letter holds. */
export interface RecordFailure {
  readonly record: unknown;
  readonly code: string;
  readonly reason: string;
}

/** A page (or event) of records, mapped. */
export interface MappedRows {
  readonly rows: readonly EntityRow[];
  readonly failures: readonly RecordFailure[];
}

/** Reads natural keys of vendor ids from the vendor-id map (`kind` is `store` or `product`). */
export type VendorIdLookup = (tenant: string, connector: string, kind: string, vendorIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/**
 * `$store()`/`$product()` lookups of one connector and tenant through the vendor-id map, cached
 * for the caller's scope (a sync run, a webhook batch, a replay). The pending answer is cached, so
 * records mapped side by side that name the same id share one lookup.
 * @example
 * const lookups = cachedLookups((t, c, k, ids) => store.lookupVendorIds(t, c, k, ids), 'square', 'acme');
 * await lookups.store('L1'); // the natural key of location L1, or undefined
 */
export function cachedLookups(lookup: VendorIdLookup, connector: string, tenant: string): IdLookups & {
  store(vendorId: string): Promise<string | undefined>;
  product(vendorId: string): Promise<string | undefined>;
} {
  const caches = new Map<string, Map<string, Promise<string | undefined>>>();
  const find = (kind: string) => (vendorId: string): Promise<string | undefined> => {
    let cache = caches.get(kind);
    if (cache === undefined) caches.set(kind, (cache = new Map()));
    let found = cache.get(vendorId);
    if (found === undefined) {
      found = lookup(tenant, connector, kind, [vendorId]).then((map) => map.get(vendorId));
      // A failed lookup is not remembered: the next record asks again.
      found.catch(() => cache.delete(vendorId));
      cache.set(vendorId, found);
    }
    return found;
  };
  return { store: find('store'), product: find('product') };
}
