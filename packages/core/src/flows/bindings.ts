import type { Change } from '../changes/index.js';
import type { FlowBindings } from './compile.js';

/** Reads the vendor-id map backwards: the vendor ids a tenant's connector recorded for a natural key (or for every key of a kind). */
export type VendorIdReader = (query: { readonly tenant: string; readonly connector: string; readonly kind: string; readonly key?: string | undefined }) => Promise<readonly string[]>;

/**
 * Shopify's inventory items share the `product` kind of the vendor-id map, prefixed (mapping's
 * `inventoryItemKey`, mapping/canonical/product.ts): `$vendor_id('inventory_item', sku)` reads those.
 */
const INVENTORY_ITEM_PREFIX = 'inventory_item:';

/**
 * The idempotency key of a flow's action for one change: the flow and the change position. Bound
 * as `$flow.key` so an action whose vendor dedupes on a key (Square's `idempotency_key`) gets the
 * same one however often the job runs.
 * @example
 * flowKey('stock_to_square', 42); // 'stock_to_square:42'
 */
export function flowKey(flow: string, position: number): string {
  return `${flow}:${position}`;
}

/**
 * What a flow's input expression is evaluated with: `$flow` ({name, position, key}) and
 * `$vendor_id(kind, key?)`, the target connector's vendor id of an entity key of the change's
 * tenant (without a key: the tenant's only one of that kind, e.g. a merchant's one location). An
 * id that is not known, or not unique, fails the input with a reason that says which.
 * @example
 * const bindings = flowBindings('stock_to_square', change, 'square', reader);
 * // then.input: { "catalog_object_id": $vendor_id("product", after.product), "location_id": $vendor_id("store") }
 */
export function flowBindings(flow: string, change: Change, targetConnector: string, read: VendorIdReader): FlowBindings {
  const vendorId = async (kind: unknown, key?: unknown): Promise<string> => {
    if (typeof kind !== 'string' || kind === '') throw new Error('$vendor_id(kind, key?) needs a kind such as "product" or "store"');
    if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') throw new Error(`$vendor_id("${kind}", key): the key must be a string`);
    const keyText = key === undefined ? undefined : String(key);
    const item = kind === 'inventory_item';
    const ids = (await read({ tenant: change.tenant, connector: targetConnector, kind: item ? 'product' : kind, key: keyText }))
      .filter((id) => id.startsWith(INVENTORY_ITEM_PREFIX) === item)
      .map((id) => (item ? id.slice(INVENTORY_ITEM_PREFIX.length) : id));
    const what = `connector "${targetConnector}" has ${keyText === undefined ? `for tenant "${change.tenant}"` : `for ${kind} "${keyText}" of tenant "${change.tenant}"`}`;
    if (ids.length === 0) throw new Error(`${what} no ${kind} vendor id (has it synced?)`);
    if (ids.length > 1) throw new Error(`${what} several ${kind} vendor ids (${ids.slice(0, 5).join(', ')}); name one`);
    return ids[0]!;
  };
  return { flow: { name: flow, position: change.position, key: flowKey(flow, change.position) }, vendor_id: vendorId };
}
