/**
 * The JSONata mappings of the `square/default` preset, from Square's objects (see VENDOR notes in
 * README.md, "What it syncs") to connectd's canonical entities. Money goes through
 * `$square_money()` (minor units → decimal); quantities are decimal strings, read with `$number()`.
 */

/** A Location → a store; its id is what `$store()` resolves in counts, orders and payments. */
export const LOCATION_TO_STORE = `{
  "vendor_location_id": id,
  "vendor_id": id,
  "name": name,
  "address": address,
  "currency": currency,
  "timezone": timezone,
  "active": status = "ACTIVE"
}`;

/**
 * One product per variation. From an ITEM: each variation it holds, named "Item - Variation",
 * inactive when the item or the variation is deleted. A deleted ITEM_VARIATION (which the item no
 * longer lists) marks its product inactive; a live one is skipped, its item carries it. The SKU
 * is the natural key; a variation without one is keyed by its Square id.
 */
export const CATALOG_OBJECT_TO_PRODUCTS = `(
  $variation := function($v, $itemName, $itemDeleted) {
    $v.{
      "sku": $exists(item_variation_data.sku) and item_variation_data.sku != "" ? item_variation_data.sku : id,
      "name": $itemName = null ? item_variation_data.name : $itemName & " - " & item_variation_data.name,
      "price": $square_money(item_variation_data.price_money),
      "currency": item_variation_data.price_money.currency,
      "barcode": item_variation_data.upc,
      "active": $not($itemDeleted or is_deleted = true),
      "vendor_variant_id": id,
      "vendor_id": id,
      "vendor_updated_at": updated_at
    }
  };
  $itemName := item_data.name;
  $itemDeleted := is_deleted = true;
  type = "ITEM"
    ? [item_data.variations.$variation($, $itemName, $itemDeleted)]
    : type = "ITEM_VARIATION" and is_deleted = true ? [$variation($, null, true)] : []
)`;

/** An IN_STOCK inventory count → an inventory level at its location. */
export const COUNT_TO_INVENTORY_LEVEL = `{
  "store": $store(location_id),
  "product": $product(catalog_object_id),
  "quantity": $number(quantity),
  "as_of": calculated_at,
  "vendor_updated_at": calculated_at
}`;

/** An Order → an order: its state, and its lines by SKU (the variation id, or the line's uid for ad hoc items). */
export const ORDER_TO_ORDER = `{
  "external_id": id,
  "status": state,
  "lines": [line_items.{
    "sku": $exists(catalog_object_id) ? catalog_object_id : uid,
    "quantity": $number(quantity),
    "name": name,
    "unit_price": $square_money(base_price_money),
    "currency": base_price_money.currency
  }],
  "vendor_id": id,
  "vendor_updated_at": updated_at
}`;

/**
 * A line of an order (the order as $parent) → a transaction: a sold line (`records: line_items`),
 * or a returned one (`records: returns.return_line_items`), keyed apart and with a negative quantity.
 */
function lineToTransaction(line: { readonly keyInfix: string; readonly sign: '' | '-' }): string {
  return `{
  "vendor_transaction_id": $parent.id & ":${line.keyInfix}" & uid,
  "store": $store($parent.location_id),
  "product": $product(catalog_object_id),
  "quantity": ${line.sign}$number(quantity),
  "unit_price": $square_money(base_price_money),
  "currency": base_price_money.currency,
  "occurred_at": $exists($parent.closed_at) ? $parent.closed_at : $parent.created_at,
  "vendor_id": $parent.id,
  "vendor_updated_at": $parent.updated_at
}`;
}

/** The items of the line outputs: the lines of a completed order (an open one may still change; a canceled one sold nothing). */
export const COMPLETED_LINES = 'state = "COMPLETED" ? line_items : []';
/** The returned lines of a completed order (a return order completes when the refund is made). */
export const COMPLETED_RETURN_LINES = 'state = "COMPLETED" ? returns.return_line_items : []';

/** A sold line → a sale transaction. */
export const ORDER_LINE_TO_TRANSACTION = lineToTransaction({ keyInfix: '', sign: '' });

/** A returned line → a refund transaction: negative quantity. */
export const RETURN_LINE_TO_TRANSACTION = lineToTransaction({ keyInfix: 'return:', sign: '-' });

/**
 * A Payment → a transaction keyed `payment:<id>` (no product: a payment pays for a whole order).
 * Refunded money makes the amount net of it, negative when more came back than was paid.
 */
export const PAYMENT_TO_TRANSACTION = `{
  "vendor_transaction_id": "payment:" & id,
  "store": $store(location_id),
  "quantity": 1,
  "unit_price": $square_money(total_money) - ($exists(refunded_money) ? $square_money(refunded_money) : 0),
  "currency": total_money.currency,
  "occurred_at": created_at,
  "vendor_id": id,
  "vendor_updated_at": updated_at
}`;
