/**
 * The JSONata mappings of the Shopify presets, from GraphQL nodes and REST/webhook payloads to
 * connectd's canonical entities. Ids are the numeric ids as strings (`legacyResourceId` in
 * GraphQL, the REST `id`s, which connectd reads without rounding), so a row written by a sync and
 * one written by a webhook are the same row. Money is Shopify's decimal string.
 */

/** A GraphQL Location → a store (fulfilment-service locations included: stock is counted there too). */
export const LOCATION_NODE_TO_STORE = `{
  "vendor_location_id": legacyResourceId,
  "vendor_id": legacyResourceId,
  "name": name,
  "active": isActive,
  "address": { "address1": address.address1, "address2": address.address2, "city": address.city, "zip": address.zip,
               "province": address.provinceCode, "country": address.countryCode }
}`;

/** A REST location → a store. */
export const LOCATION_REST_TO_STORE = `{
  "vendor_location_id": $string(id),
  "vendor_id": $string(id),
  "name": name,
  "active": active,
  "address": { "address1": address1, "address2": address2, "city": city, "zip": zip, "province": province_code, "country": country_code },
  "vendor_updated_at": updated_at
}`;

/** A GraphQL ProductVariant → a product keyed by SKU (its id when it has none), with its inventory item for `$inventory_item()`. */
export const VARIANT_NODE_TO_PRODUCT = `{
  "sku": sku ? sku : legacyResourceId,
  "name": title = "Default Title" ? product.title : product.title & " - " & title,
  "price": $number(price),
  "barcode": barcode,
  "active": product.status = "ACTIVE",
  "vendor_variant_id": legacyResourceId,
  "vendor_id": legacyResourceId,
  "vendor_inventory_item_id": inventoryItem.legacyResourceId,
  "vendor_updated_at": updatedAt
}`;

/** A REST (or webhook) variant, its product as $parent → a product; the same row as the GraphQL mapping writes. */
export const VARIANT_REST_TO_PRODUCT = `{
  "sku": sku ? sku : $string(id),
  "name": title = "Default Title" ? $parent.title : $parent.title & " - " & title,
  "price": $number(price),
  "barcode": barcode,
  "active": $parent.status = "active",
  "vendor_variant_id": $string(id),
  "vendor_id": $string(id),
  "vendor_inventory_item_id": $string(inventory_item_id),
  "vendor_updated_at": updated_at
}`;

/** A GraphQL InventoryLevel → its `available` quantity at its location, joined to the variant through the inventory item. */
export const LEVEL_NODE_TO_INVENTORY_LEVEL = `{
  "store": $store(location.legacyResourceId),
  "product": $inventory_item(item.legacyResourceId),
  "quantity": quantities[0].quantity,
  "as_of": updatedAt,
  "vendor_updated_at": updatedAt
}`;

/**
 * A REST inventory level (the `inventory_levels/update` webhook, or `inventory_levels.json`) → an
 * inventory level. `available` is null where the item is not tracked at the location: nothing to write.
 */
export const LEVEL_REST_TO_INVENTORY_LEVEL = `available = null ? null : {
  "store": $store(location_id),
  "product": $inventory_item(inventory_item_id),
  "quantity": available,
  "as_of": updated_at,
  "vendor_updated_at": updated_at
}`;

/** A GraphQL Order → an order with its lines by SKU (the variant's id, else the line's, when a line has none). */
export const ORDER_NODE_TO_ORDER = `{
  "external_id": legacyResourceId,
  "status": cancelledAt ? "cancelled" : $lowercase(displayFulfillmentStatus),
  "lines": [lineItems.nodes.{
    "sku": sku ? sku : (variant ? variant.legacyResourceId : $substringAfter(id, "LineItem/")),
    "quantity": quantity,
    "unit_price": $number(originalUnitPriceSet.shopMoney.amount)
  }],
  "vendor_id": legacyResourceId,
  "vendor_updated_at": updatedAt
}`;

/** The lines of an order that was not cancelled: its sales. */
export const ORDER_NODE_SALE_LINES = 'cancelledAt ? [] : lineItems.nodes';

/** A GraphQL line item, its order as $parent → a sale transaction. */
export const LINE_NODE_TO_TRANSACTION = `{
  "vendor_transaction_id": $parent.legacyResourceId & ":" & $substringAfter(id, "LineItem/"),
  "product": $product(variant.legacyResourceId),
  "quantity": quantity,
  "unit_price": $number(originalUnitPriceSet.shopMoney.amount),
  "currency": originalUnitPriceSet.shopMoney.currencyCode,
  "occurred_at": $parent.processedAt,
  "vendor_id": $parent.legacyResourceId,
  "vendor_updated_at": $parent.updatedAt
}`;

/** A REST order (sync or `orders/create`, `orders/updated` webhook) → an order; the same row as the GraphQL mapping writes. */
export const ORDER_REST_TO_ORDER = `{
  "external_id": $string(id),
  "status": cancelled_at ? "cancelled" : fulfillment_status = "partial" ? "partially_fulfilled" : fulfillment_status ? fulfillment_status : "unfulfilled",
  "lines": [line_items.{
    "sku": sku ? sku : (variant_id ? $string(variant_id) : $string(id)),
    "quantity": quantity,
    "unit_price": $number(price)
  }],
  "vendor_id": $string(id),
  "vendor_updated_at": updated_at
}`;

/** The lines of a REST order that was not cancelled. */
export const ORDER_REST_SALE_LINES = 'cancelled_at ? [] : line_items';

/** A REST line item, its order as $parent → a sale transaction. */
export const LINE_REST_TO_TRANSACTION = `{
  "vendor_transaction_id": $string($parent.id) & ":" & $string(id),
  "product": variant_id ? $product($string(variant_id)),
  "quantity": quantity,
  "unit_price": $number(price),
  "currency": $parent.currency,
  "occurred_at": $parent.processed_at ? $parent.processed_at : $parent.created_at,
  "vendor_id": $string($parent.id),
  "vendor_updated_at": $parent.updated_at
}`;
