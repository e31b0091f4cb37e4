/**
 * Square objects as the fake serves them, field names as on the wire (snake_case). Shapes follow
 * Square's OpenAPI spec (`components.schemas`) and the payload fixtures in
 * `test/fixtures/vendors/square/`; only the fields the fake fills are declared.
 */

/** `Money`: an integer amount in the currency's smallest unit (cents for USD). */
export interface SquareMoney {
  readonly amount: number;
  readonly currency: string;
}

/** A seller account; Square's ids look like `MLQW2MYBY81PZ`. */
export interface SquareMerchant {
  readonly id: string;
  readonly business_name: string;
  readonly country: string;
  readonly language_code: string;
  readonly currency: string;
  readonly status: 'ACTIVE' | 'INACTIVE';
  /** The location `GET /v2/payments` lists when no `location_id` is given. */
  readonly main_location_id: string | null;
  readonly created_at: string;
}

/** One entry of `GET /v2/locations`. */
export interface SquareLocation {
  readonly id: string;
  readonly name: string;
  readonly address: {
    readonly address_line_1: string;
    readonly locality: string;
    readonly administrative_district_level_1: string;
    readonly postal_code: string;
    readonly country: string;
  };
  readonly timezone: string;
  readonly capabilities: readonly string[];
  readonly status: 'ACTIVE' | 'INACTIVE';
  readonly created_at: string;
  readonly merchant_id: string;
  readonly country: string;
  readonly language_code: string;
  readonly currency: string;
  readonly business_name: string;
  readonly type: 'PHYSICAL' | 'MOBILE';
}

/** The catalog object types the fake stores (Square has many more; asking for them answers none). */
export type SquareCatalogObjectType = 'ITEM' | 'ITEM_VARIATION';

/** The fields every `CatalogObject` carries. `version` is the epoch ms of the last change, as Square's are. */
interface CatalogObjectBase {
  readonly id: string;
  readonly updated_at: string;
  readonly version: number;
  readonly is_deleted: boolean;
  readonly present_at_all_locations: boolean;
}

/** A `CatalogObject` of type `ITEM_VARIATION`: the sellable thing whose id orders and counts reference. */
export interface SquareCatalogVariation extends CatalogObjectBase {
  readonly type: 'ITEM_VARIATION';
  readonly item_variation_data: {
    readonly item_id: string;
    readonly name: string;
    readonly sku: string;
    readonly ordinal: number;
    readonly pricing_type: 'FIXED_PRICING';
    readonly price_money: SquareMoney;
    readonly track_inventory: boolean;
    readonly sellable: boolean;
    readonly stockable: boolean;
  };
}

/** A `CatalogObject` of type `ITEM`, its variations nested as full objects (as Square nests them). */
export interface SquareCatalogItem extends CatalogObjectBase {
  readonly type: 'ITEM';
  readonly item_data: {
    readonly name: string;
    readonly description?: string;
    readonly product_type: 'REGULAR';
    readonly variations: readonly SquareCatalogVariation[];
  };
}

export type SquareCatalogObject = SquareCatalogItem | SquareCatalogVariation;

/** `InventoryState` values; `IN_STOCK` is the sellable stock. */
export const SQUARE_INVENTORY_STATES = [
  'CUSTOM', 'IN_STOCK', 'SOLD', 'RETURNED_BY_CUSTOMER', 'RESERVED_FOR_SALE', 'SOLD_ONLINE', 'ORDERED_FROM_VENDOR',
  'RECEIVED_FROM_VENDOR', 'IN_TRANSIT_TO', 'NONE', 'WASTE', 'UNLINKED_RETURN', 'COMPOSED', 'DECOMPOSED',
  'SUPPORTED_BY_NEWER_VERSION', 'IN_TRANSIT',
] as const;
export type SquareInventoryState = (typeof SQUARE_INVENTORY_STATES)[number];

/** One `InventoryCount`: a variation's quantity in one state at one location. */
export interface SquareInventoryCount {
  readonly catalog_object_id: string;
  readonly catalog_object_type: 'ITEM_VARIATION';
  readonly state: SquareInventoryState;
  readonly location_id: string;
  /** A decimal string with up to 5 digits after the point, e.g. `"79"` or `"2.5"`. */
  readonly quantity: string;
  readonly calculated_at: string;
}

/** `ErrorCategory` values. */
export type SquareErrorCategory =
  | 'API_ERROR'
  | 'AUTHENTICATION_ERROR'
  | 'INVALID_REQUEST_ERROR'
  | 'RATE_LIMIT_ERROR'
  | 'PAYMENT_METHOD_ERROR'
  | 'REFUND_ERROR'
  | 'MERCHANT_SUBSCRIPTION_ERROR'
  | 'EXTERNAL_VENDOR_ERROR';

/** One entry of a Square error body `{"errors": [...]}`. */
export interface SquareError {
  readonly category: SquareErrorCategory;
  /** An `ErrorCode` value, e.g. `INVALID_CURSOR`. */
  readonly code: string;
  readonly detail?: string;
  readonly field?: string;
}

/** The webhook event types the fake builds. */
export type SquareEventType =
  | 'inventory.count.updated'
  | 'order.created'
  | 'order.updated'
  | 'payment.created'
  | 'payment.updated'
  | 'catalog.version.updated'
  | 'oauth.authorization.revoked';

/**
 * A webhook notification body: `{merchant_id, type, event_id, created_at, data: {type, id, object}}`,
 * keys in the order Square sends them (the order of the body in Square's Node SDK signature test).
 */
export interface SquareEvent {
  readonly merchant_id: string;
  readonly type: SquareEventType;
  readonly event_id: string;
  readonly created_at: string;
  readonly data: {
    /** The affected object's type: `inventory_counts`, `order_created`, `payment`, `revocation`… */
    readonly type: string;
    readonly id: string;
    readonly object: Readonly<Record<string, unknown>>;
  };
}
