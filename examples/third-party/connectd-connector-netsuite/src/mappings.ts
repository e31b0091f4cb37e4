/**
 * JSONata from SuiteQL rows to connectd's canonical entities. Ids become text (`$string`), amounts
 * numbers (`$number`), so the mappings hold whether a column arrives as text or as a number; a
 * column SuiteQL left out (null) stays out of the entity.
 */

/** A location row → `store`; its internal id is the store's key, which inventory levels name. */
export const LOCATION_TO_STORE = '{ "vendor_location_id": $string(id), "name": name, "active": $not(isinactive = "T"), "vendor_id": $string(id) }';

/** An item row → `product`: `itemid` is the SKU. */
export const ITEM_TO_PRODUCT =
  '{ "sku": itemid, "name": $exists(displayname) ? displayname : itemid, "barcode": upccode, "vendor_variant_id": $string(id), "active": $not(isinactive = "T"), "vendor_id": $string(id) }';

/** An inventory row → `inventory_level` at the store whose key is the location id. */
export const BALANCE_TO_INVENTORY_LEVEL = '{ "store": $string(location), "product": sku, "quantity": $number(quantityonhand) }';

/** A sales order header → `order`, keyed by its document number. Lines are not read (see README). */
export const SALES_ORDER_TO_ORDER = '{ "external_id": tranid, "customer_email": email, "status": status, "vendor_id": $string(id) }';
