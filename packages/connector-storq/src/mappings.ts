/**
 * JSONata from storq's objects to connectd's canonical entities, shared by the streams (one record
 * per list item) and the webhooks (whose `data.object` has the same shape as a list item).
 * Absent fields are left out of the entity rather than sent as null, so a partial object never
 * blanks a stored field; storq's own nulls (`tracking_number` before shipping) pass through.
 */

/** A stock row `{sku, quantity, updated_at}` → `inventory_level` in the `default` store (storq has no locations). */
export const STOCK_TO_INVENTORY_LEVEL = '{ "product": sku, "quantity": quantity, "as_of": updated_at, "vendor_updated_at": updated_at }';

/**
 * A product `{id, sku, name, created_at, updated_at}` → `product`. storq products have no variants,
 * so the product id is also the variant id `$product()` resolves.
 */
export const PRODUCT_TO_PRODUCT = '{ "sku": sku, "name": name, "vendor_variant_id": id, "vendor_id": id, "vendor_updated_at": updated_at }';

/** `status` is a JSONata expression: the order's own field, or a literal for events that imply it. */
function orderMap(status: string): string {
  return [
    '{ "external_id": external_id, "customer_email": customer_email,',
    '"lines": $exists(line_items) ? [line_items.{ "sku": sku, "quantity": quantity }],',
    `"status": ${status}, "tracking_number": tracking_number, "shipped_at": shipped_at,`,
    '"vendor_id": id, "vendor_updated_at": updated_at }',
  ].join(' ');
}

/** An order → `order`, its lines from `line_items`. */
export const ORDER_TO_ORDER = orderMap('status');

/** The object of an `order.shipped` event → `order` with status `shipped`, whatever the object says. */
export const SHIPPED_ORDER_TO_ORDER = orderMap('"shipped"');
