import { randomChars, randomInt, uuidFrom } from './random.js';

/** The kinds of numeric ids the fake hands out; each kind has its own id space, as at Shopify. */
export type ShopifyIdKind = 'shop' | 'location' | 'product' | 'variant' | 'inventoryItem' | 'order' | 'lineItem' | 'customer' | 'option' | 'dataRequest';

/**
 * How each kind's ids run. Shopify's ids grow over time (REST `since_id` relies on it), so each
 * kind counts up from a base by random steps. `big` kinds live above 2^53 from the start (Shopify's
 * own samples have `inventory_item_id` 271878346596884015 and line item ids like
 * 487817672276298554); `mixed` kinds start with ordinary 10-digit ids and jump above 2^53 at their
 * 2nd or 3rd id, so every seeded shop has ids on both sides of 2^53; `small` kinds never cross it.
 */
const RANGE: Readonly<Record<ShopifyIdKind, 'small' | 'mixed' | 'big'>> = {
  shop: 'small',
  location: 'mixed',
  product: 'mixed',
  variant: 'mixed',
  inventoryItem: 'big',
  order: 'mixed',
  lineItem: 'big',
  customer: 'mixed',
  option: 'small',
  dataRequest: 'small',
};

interface Sequence {
  next: bigint;
  /** How many ids are left before a mixed kind jumps above 2^53; -1 once it has. */
  untilJump: number;
  readonly issued: Set<string>;
}

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
 * numeric ids per kind (decimal strings, never JS numbers; growing; some above 2^53), OAuth codes
 * and tokens in Shopify's shapes, UUIDs for webhook, event and request ids.
 * @example
 * const ids = new ShopifyIds(seededRandom(1));
 * ids.next('inventoryItem'); // e.g. '271878346596884015' (18 digits)
 */
export class ShopifyIds {
  readonly #random: () => number;
  readonly #sequences = new Map<ShopifyIdKind, Sequence>();

  constructor(random: () => number) {
    this.#random = random;
  }

  #base(big: boolean): bigint {
    const digits = big ? 18 : 10;
    return BigInt(randomChars(this.#random, '123', 1) + randomChars(this.#random, '0123456789', digits - 1));
  }

  #sequence(kind: ShopifyIdKind): Sequence {
    let sequence = this.#sequences.get(kind);
    if (sequence === undefined) {
      const range = RANGE[kind];
      sequence = { next: this.#base(range === 'big'), untilJump: range === 'mixed' ? randomInt(this.#random, 1, 2) : -1, issued: new Set() };
      this.#sequences.set(kind, sequence);
    }
    return sequence;
  }

  /** A new id of this kind, larger than every earlier one of the kind. */
  next(kind: ShopifyIdKind): string {
    const sequence = this.#sequence(kind);
    if (sequence.untilJump === 0) sequence.next = this.#base(true);
    if (sequence.untilJump >= 0) sequence.untilJump -= 1;
    let id = sequence.next.toString();
    while (sequence.issued.has(id)) id = (sequence.next += 1n).toString();
    sequence.issued.add(id);
    sequence.next += BigInt(randomInt(this.#random, 1, 997));
    return id;
  }

  /** Records an id chosen by a test, so generated ones never collide with it (later ones follow it). */
  claim(kind: ShopifyIdKind, id: string): void {
    if (!/^[1-9]\d*$/.test(id)) throw new RangeError(`fake shopify: ${kind} id must be a positive decimal, got ${id}`);
    const sequence = this.#sequence(kind);
    if (sequence.issued.has(id)) throw new RangeError(`fake shopify: ${kind} id ${id} is taken`);
    sequence.issued.add(id);
    if (BigInt(id) >= sequence.next) sequence.next = BigInt(id) + 1n;
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
