import type { StateContext } from './state-context.js';
import { isoMs } from './time.js';
import type { SquareCatalogItem, SquareCatalogObject, SquareCatalogObjectType, SquareCatalogVariation } from './types.js';

/** A variation to add; omitted fields get defaults (`Regular`, a SKU from the id, $10.00). */
export interface SquareVariationInput {
  readonly id?: string;
  readonly name?: string;
  readonly sku?: string;
  /** Price in minor units of the merchant's currency. */
  readonly priceAmount?: number;
  readonly trackInventory?: boolean;
}

/** An item to add, with at least one variation (Square requires one; default a single `Regular`). */
export interface SquareItemInput {
  readonly id?: string;
  readonly name: string;
  readonly description?: string;
  readonly variations?: readonly SquareVariationInput[];
}

/** Fields of a variation a test may change. */
export type SquareVariationPatch = Omit<SquareVariationInput, 'id'>;

interface Stamped {
  readonly id: string;
  updatedMs: number;
  version: number;
  deleted: boolean;
}
interface ItemRecord extends Stamped {
  readonly name: string;
  readonly description: string | undefined;
  readonly variationIds: string[];
}
interface VariationRecord extends Stamped {
  readonly itemId: string;
  name: string;
  sku: string;
  readonly ordinal: number;
  priceAmount: number;
  trackInventory: boolean;
}

const DEFAULT_PRICE_AMOUNT = 1000;

/** What {@link CatalogState.objects} lists. */
export interface CatalogSelection {
  readonly types: readonly SquareCatalogObjectType[];
  readonly includeDeleted: boolean;
  /** Only objects changed strictly after this epoch ms (SearchCatalogObjects' `begin_time` is exclusive). */
  readonly changedAfterMs?: number;
}

/**
 * One merchant's catalog: ITEM objects owning ITEM_VARIATION objects. Every change stamps
 * `updated_at` with the fake's clock and a new `version` (epoch ms, as Square's are, kept strictly
 * increasing when the clock stands still). Deleting keeps the object with `is_deleted: true`, so
 * searches that ask for deleted objects still see it. Adding or deleting a variation changes its
 * item too; editing a variation changes only the variation.
 * @example
 * const catalog = new CatalogState(context, 'USD');
 * const item = catalog.addItem({ name: 'Tea', variations: [{ name: 'Regular', priceAmount: 150 }] });
 * catalog.objects({ types: ['ITEM'], includeDeleted: false }); // [item]
 */
export class CatalogState {
  readonly #context: StateContext;
  readonly #currency: string;
  readonly #items = new Map<string, ItemRecord>();
  readonly #variations = new Map<string, VariationRecord>();
  #lastVersion = 0;

  constructor(context: StateContext, currency: string) {
    this.#context = context;
    this.#currency = currency;
  }

  #stamp(record: Stamped): void {
    const now = this.#context.now();
    record.updatedMs = now;
    record.version = this.#lastVersion = Math.max(now, this.#lastVersion + 1);
  }

  #newStamped(id: string | undefined): Stamped {
    const record: Stamped = { id: id ?? this.#context.ids.catalog(), updatedMs: 0, version: 0, deleted: false };
    if (this.#items.has(record.id) || this.#variations.has(record.id)) throw new Error(`fake square: catalog object ${record.id} already exists`);
    this.#stamp(record);
    return record;
  }

  #addVariationRecord(item: ItemRecord, input: SquareVariationInput): VariationRecord {
    const base = this.#newStamped(input.id);
    const variation: VariationRecord = {
      ...base,
      itemId: item.id,
      name: input.name ?? 'Regular',
      sku: input.sku ?? `SKU-${base.id.slice(0, 8)}`,
      ordinal: item.variationIds.length + 1,
      priceAmount: input.priceAmount ?? DEFAULT_PRICE_AMOUNT,
      trackInventory: input.trackInventory ?? true,
    };
    this.#variations.set(variation.id, variation);
    item.variationIds.push(variation.id);
    return variation;
  }

  /** Adds an item and its variations (one `Regular` when none are given). */
  addItem(input: SquareItemInput): SquareCatalogItem {
    const item: ItemRecord = { ...this.#newStamped(input.id), name: input.name, description: input.description, variationIds: [] };
    this.#items.set(item.id, item);
    for (const variation of input.variations?.length ? input.variations : [{}]) this.#addVariationRecord(item, variation);
    return this.#renderItem(item, true);
  }

  /** Adds a variation to an item (changing the item); undefined for an unknown or deleted item. */
  addVariation(itemId: string, input: SquareVariationInput): SquareCatalogVariation | undefined {
    const item = this.#items.get(itemId);
    if (item === undefined || item.deleted) return undefined;
    const variation = this.#addVariationRecord(item, input);
    this.#stamp(item);
    return this.#renderVariation(variation);
  }

  /** Changes a variation's fields; undefined for an unknown or deleted variation. */
  updateVariation(id: string, patch: SquareVariationPatch): SquareCatalogVariation | undefined {
    const variation = this.#variations.get(id);
    if (variation === undefined || variation.deleted) return undefined;
    if (patch.name !== undefined) variation.name = patch.name;
    if (patch.sku !== undefined) variation.sku = patch.sku;
    if (patch.priceAmount !== undefined) variation.priceAmount = patch.priceAmount;
    if (patch.trackInventory !== undefined) variation.trackInventory = patch.trackInventory;
    this.#stamp(variation);
    return this.#renderVariation(variation);
  }

  /** Deletes an item and its variations (all stamped now); undefined for an unknown or already deleted item. */
  deleteItem(id: string): SquareCatalogItem | undefined {
    const item = this.#items.get(id);
    if (item === undefined || item.deleted) return undefined;
    for (const variationId of item.variationIds) {
      const variation = this.#variations.get(variationId)!;
      if (!variation.deleted) this.#markDeleted(variation);
    }
    this.#markDeleted(item);
    return this.#renderItem(item, true);
  }

  /** Deletes one variation (its item changes too); undefined for an unknown or already deleted variation. */
  deleteVariation(id: string): SquareCatalogVariation | undefined {
    const variation = this.#variations.get(id);
    if (variation === undefined || variation.deleted) return undefined;
    this.#markDeleted(variation);
    this.#stamp(this.#items.get(variation.itemId)!);
    return this.#renderVariation(variation);
  }

  #markDeleted(record: Stamped): void {
    record.deleted = true;
    this.#stamp(record);
  }

  /** The live or deleted variation with this id. */
  variation(id: string): SquareCatalogVariation | undefined {
    const variation = this.#variations.get(id);
    return variation === undefined ? undefined : this.#renderVariation(variation);
  }

  /** The live or deleted item with this id, its variations nested (deleted ones only when the item is deleted). */
  item(id: string): SquareCatalogItem | undefined {
    const item = this.#items.get(id);
    return item === undefined ? undefined : this.#renderItem(item, item.deleted);
  }

  /** The name of a variation's item, for order line items. */
  itemNameOf(variationId: string): string | undefined {
    const variation = this.#variations.get(variationId);
    return variation === undefined ? undefined : this.#items.get(variation.itemId)?.name;
  }

  /** Top-level objects of the given types, in id order. A live item nests its live variations. */
  objects(selection: CatalogSelection): SquareCatalogObject[] {
    const keep = (record: Stamped): boolean =>
      (selection.includeDeleted || !record.deleted) && (selection.changedAfterMs === undefined || record.updatedMs > selection.changedAfterMs);
    const objects: SquareCatalogObject[] = [];
    if (selection.types.includes('ITEM')) for (const item of this.#items.values()) if (keep(item)) objects.push(this.#renderItem(item, item.deleted));
    if (selection.types.includes('ITEM_VARIATION')) for (const v of this.#variations.values()) if (keep(v)) objects.push(this.#renderVariation(v));
    return objects.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** When anything in the catalog last changed; undefined for an empty catalog. */
  lastChangedMs(): number | undefined {
    const stamps = [...this.#items.values(), ...this.#variations.values()].map((record) => record.updatedMs);
    return stamps.length === 0 ? undefined : Math.max(...stamps);
  }

  #renderVariation(v: VariationRecord): SquareCatalogVariation {
    return {
      type: 'ITEM_VARIATION',
      id: v.id,
      updated_at: isoMs(v.updatedMs),
      version: v.version,
      is_deleted: v.deleted,
      present_at_all_locations: true,
      item_variation_data: {
        item_id: v.itemId,
        name: v.name,
        sku: v.sku,
        ordinal: v.ordinal,
        pricing_type: 'FIXED_PRICING',
        price_money: { amount: v.priceAmount, currency: this.#currency },
        track_inventory: v.trackInventory,
        sellable: true,
        stockable: true,
      },
    };
  }

  #renderItem(item: ItemRecord, withDeletedVariations: boolean): SquareCatalogItem {
    const variations = item.variationIds.map((id) => this.#variations.get(id)!).filter((v) => withDeletedVariations || !v.deleted);
    return {
      type: 'ITEM',
      id: item.id,
      updated_at: isoMs(item.updatedMs),
      version: item.version,
      is_deleted: item.deleted,
      present_at_all_locations: true,
      item_data: {
        name: item.name,
        ...(item.description === undefined ? {} : { description: item.description }),
        product_type: 'REGULAR',
        variations: variations.map((v) => this.#renderVariation(v)),
      },
    };
  }
}
