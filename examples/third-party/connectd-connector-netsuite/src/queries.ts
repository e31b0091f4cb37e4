/**
 * The SuiteQL of the preset's streams. Each has a unique, stable ORDER BY: NetSuite pages a query
 * by offset, and without one a row can move between pages while a run reads them. SuiteQL answers
 * with lower-case column names, values as text, booleans as 'T'/'F', and leaves null columns out.
 */

/** Locations: the stores and warehouses stock is counted in. */
export const LOCATIONS_QUERY = 'SELECT id, name, fullname, isinactive FROM location ORDER BY id';

/** Items: `itemid` is the item name/number, used as the SKU; `upccode` the barcode. */
export const ITEMS_QUERY = 'SELECT id, itemid, displayname, upccode, isinactive, itemtype FROM item ORDER BY id';

/**
 * On-hand stock per item and location, summed over bins, lots and statuses (inventory balance has
 * one row per such combination), with the item's SKU joined in.
 */
export const INVENTORY_QUERY = [
  'SELECT b.item AS item, i.itemid AS sku, b.location AS location,',
  'SUM(b.quantityonhand) AS quantityonhand, SUM(b.quantityavailable) AS quantityavailable',
  'FROM inventorybalance b JOIN item i ON i.id = b.item',
  'GROUP BY b.item, i.itemid, b.location ORDER BY b.item, b.location',
].join(' ');

/** Sales order headers; `BUILTIN.DF` gives the status as its display text instead of a letter code. */
export const SALES_ORDERS_QUERY = [
  'SELECT t.id, t.tranid, t.trandate, t.email, BUILTIN.DF(t.status) AS status',
  "FROM transaction t WHERE t.type = 'SalesOrd' ORDER BY t.id",
].join(' ');
