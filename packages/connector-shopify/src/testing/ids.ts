import { randomChars, randomInt, uuidFrom } from './random.js';

/** The kinds of numeric ids the fake hands out; each kind has its own id space, as at Shopify. */
export type ShopifyIdKind = 'shop' | 'location' | 'product' | 'variant' | 'inventoryItem' | 'order' | 'lineItem' | 'customer' | 'option' | 'dataRequest';

/**
 * How often each kind's id is an 18-digit one, above 2^53 (Shopify's own samples have
 * `inventory_item_id` 271878346596884015 and order ids like 820982911946154508). The first id of
 * every kind but `shop` is always a big one, so every seeded shop has some.
 */
const BIG_SHARE: Readonly<Record<ShopifyIdKind, number>> = {
  shop: 0,
  location: 0.3,
  product: 0.5,
  variant: 0.5,
  inventoryItem: 1,
  order: 0.5,
  lineItem: 1,
  customer: 0.5,
  option: 0,
  dataRequest: 0,
};

/** GraphQL type names of GIDs, `gid://shopify/{type}/{id}`. */
export type GidType = 'Shop' | 'Location' | 'Product' | 'ProductVariant' | 'InventoryItem' | 'InventoryLevel' | 'Order' | 'LineItem' | 'Customer' | 'FulfillmentService' | 'InventoryQuantity';

/**
 * A Shopify global id.
 * @example
 * gid('ProductVariant', '447654529'); // 'gid://shopify/ProductVariant/447654529'
 */
export function gid(type: GidType, id: string): string {
  return `gid://shopify/${type}/${id}`;
}

/**
 * The GID of an inventory level: the location's id with the item's as a query parameter, as in
 * REST's `admin_graphql_api_id` (`gid://shopify/InventoryLevel/655441491?inventory_item_id=49148385`).
 * @example
 * inventoryLevelGid('655441491', '49148385');
 */
export function inventoryLevelGid(locationId: string, inventoryItemId: string): string {
  return `${gid('InventoryLevel', locationId)}?inventory_item_id=${inventoryItemId}`;
}

/**
 * The numeric id inside a GID of the given type; undefined when `value` is not one. A bare decimal
 * id is accepted as well (Shopify's GraphQL refuses those; callers decide).
 * @example
 * idOfGid('gid://shopify/Location/655441491', 'Location'); // '655441491'
 */
export function idOfGid(value: string, type: GidType): string | undefined {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/.exec(value);
  if (match === null || match[1] !== type) return undefined;
  return match[2];
}

/**
 * Compares two decimal ids numerically (as Shopify orders by id), without going through a JS number.
 * @example
 * compareIds('9', '10'); // -1
 */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The fake's id and secret makers, all drawn from one seeded source so runs are reproducible:
 * numeric ids per kind (decimal strings, never JS numbers; some above 2^53), OAuth codes and
 * tokens in Shopify's shapes, UUIDs for webhook, event and request ids.
 * @example
 * const ids = new ShopifyIds(seededRandom(1));
 * ids.next('inventoryItem'); // e.g. '271878346596884015' (18 digits)
 */
export class ShopifyIds {
  readonly #random: () => number;
  readonly #issued = new Map<ShopifyIdKind, Set<string>>();

  constructor(random: () => number) {
    this.#random = random;
  }

  /** A new id of this kind, unique among the kind's ids. */
  next(kind: ShopifyIdKind): string {
    const issued = this.#issued.get(kind) ?? new Set<string>();
    this.#issued.set(kind, issued);
    const big = kind !== 'shop' && (issued.size === 0 || this.#random() < BIG_SHARE[kind]);
    for (;;) {
      const digits = big ? 18 : randomInt(this.#random, 9, 11);
      const id = randomChars(this.#random, '123456789', 1) + randomChars(this.#random, '0123456789', digits - 1);
      if (!issued.has(id)) {
        issued.add(id);
        return id;
      }
    }
  }

  /** Records an id chosen by a test, so generated ones never collide with it. */
  claim(kind: ShopifyIdKind, id: string): void {
    if (!/^[1-9]\d*$/.test(id)) throw new RangeError(`fake shopify: ${kind} id must be a positive decimal, got ${id}`);
    const issued = this.#issued.get(kind) ?? new Set<string>();
    if (issued.has(id)) throw new RangeError(`fake shopify: ${kind} id ${id} is taken`);
    issued.add(id);
    this.#issued.set(kind, issued);
  }

  hex(length: number): string {
    return randomChars(this.#random, '0123456789abcdef', length);
  }

  /** An authorization code: 32 hex digits, as in Shopify's examples. */
  code(): string {
    return this.hex(32);
  }

  /** An access token: `shpat_` (offline) or `shpua_` (online, per-user) and 32 hex digits. */
  accessToken(online: boolean): string {
    return `${online ? 'shpua' : 'shpat'}_${this.hex(32)}`;
  }

  /** A refresh token; Shopify documents no shape for them, so `shprt_` and 32 hex digits. */
  refreshToken(): string {
    return `shprt_${this.hex(32)}`;
  }

  uuid(): string {
    return uuidFrom(this.#random);
  }
}
