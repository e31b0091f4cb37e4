import type { StorqMode, StorqOrder, StorqOrderInput, StorqProduct, StorqStockRow } from './types.js';

/** An order with its creation sequence, the sort key of `GET /orders`. */
export interface SequencedOrder {
  readonly seq: number;
  order: StorqOrder;
}

interface ModeData {
  readonly stock: Map<string, StorqStockRow>;
  /** By sku, which storq keeps unique per mode. */
  readonly products: Map<string, StorqProduct>;
  /** In creation order; storq never deletes orders. */
  readonly orders: SequencedOrder[];
}

/** A stock row as tests seed it; `updated_at` defaults to the fake's clock. */
export interface StockSeed {
  readonly sku: string;
  readonly quantity: number;
  readonly updated_at?: string;
}

const bySku = <T extends { readonly sku: string }>(a: T, b: T): number => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);

/**
 * The data of a fake storq account: stock, products and orders, kept apart per mode (live and
 * test keys see different data). Reads return copies sorted the way the API lists them, so tests
 * can compare them with what a sync landed.
 * @example
 * const state = new StorqState({ now: Date.now, newId: idMaker(seededRandom(1)) });
 * state.setStock('live', [{ sku: 'A', quantity: 3 }]);
 * state.stock('live'); // [{ sku: 'A', quantity: 3, updated_at: '…' }]
 */
export class StorqState {
  readonly #data: Record<StorqMode, ModeData> = { live: StorqState.#empty(), test: StorqState.#empty() };
  readonly #now: () => number;
  readonly #newId: (prefix: string) => string;
  #nextSeq = 1;

  constructor(options: { readonly now: () => number; readonly newId: (prefix: string) => string }) {
    this.#now = options.now;
    this.#newId = options.newId;
  }

  static #empty(): ModeData {
    return { stock: new Map(), products: new Map(), orders: [] };
  }

  /** The current time as storq stamps it: ISO 8601 UTC. */
  timestamp(): string {
    return new Date(this.#now()).toISOString();
  }

  newId(prefix: string): string {
    return this.#newId(prefix);
  }

  /** Replaces the whole stock of a mode. */
  setStock(mode: StorqMode, rows: readonly StockSeed[]): void {
    const stock = this.#data[mode].stock;
    stock.clear();
    const now = this.timestamp();
    for (const row of rows) stock.set(row.sku, { sku: row.sku, quantity: row.quantity, updated_at: row.updated_at ?? now });
  }

  /** Sets (or adds) one stock row, stamped now. */
  setStockRow(mode: StorqMode, sku: string, quantity: number): StorqStockRow {
    const row = { sku, quantity, updated_at: this.timestamp() };
    this.#data[mode].stock.set(sku, row);
    return { ...row };
  }

  /** Sorted by sku, as `GET /stock` lists it. */
  stock(mode: StorqMode): StorqStockRow[] {
    return [...this.#data[mode].stock.values()].sort(bySku).map((row) => ({ ...row }));
  }

  /** Adds a product; `duplicate` when the mode already has one with this sku. */
  addProduct(mode: StorqMode, input: { readonly name: string; readonly sku: string }): StorqProduct | 'duplicate' {
    const products = this.#data[mode].products;
    if (products.has(input.sku)) return 'duplicate';
    const now = this.timestamp();
    const product: StorqProduct = { id: this.#newId('prod'), sku: input.sku, name: input.name, created_at: now, updated_at: now };
    products.set(product.sku, product);
    return { ...product };
  }

  /** Sorted by sku, as `GET /products` lists them. */
  products(mode: StorqMode): StorqProduct[] {
    return [...this.#data[mode].products.values()].sort(bySku).map((product) => ({ ...product }));
  }

  /** Creates an order, always: storq does not deduplicate `external_id`. */
  addOrder(mode: StorqMode, input: StorqOrderInput): StorqOrder {
    const now = this.timestamp();
    const order: StorqOrder = {
      id: this.#newId('ord'),
      external_id: input.external_id,
      customer_email: input.customer_email,
      line_items: input.line_items.map((item) => ({ sku: item.sku, quantity: item.quantity })),
      status: 'pending',
      tracking_number: null,
      shipped_at: null,
      created_at: now,
      updated_at: now,
    };
    this.#data[mode].orders.push({ seq: this.#nextSeq++, order });
    return copyOrder(order);
  }

  /** In creation order, as `GET /orders` lists them. */
  orders(mode: StorqMode): StorqOrder[] {
    return this.#data[mode].orders.map((entry) => copyOrder(entry.order));
  }

  /** Orders with their sort keys, for paging; copies. */
  sequencedOrders(mode: StorqMode): SequencedOrder[] {
    return this.#data[mode].orders.map((entry) => ({ seq: entry.seq, order: copyOrder(entry.order) }));
  }

  order(mode: StorqMode, id: string): StorqOrder | undefined {
    const entry = this.#data[mode].orders.find((candidate) => candidate.order.id === id);
    return entry === undefined ? undefined : copyOrder(entry.order);
  }

  /** Marks an order shipped with a tracking number; undefined when the mode has no such order. */
  shipOrder(mode: StorqMode, id: string, trackingNumber: string): StorqOrder | undefined {
    const entry = this.#data[mode].orders.find((candidate) => candidate.order.id === id);
    if (entry === undefined) return undefined;
    const now = this.timestamp();
    entry.order = { ...entry.order, status: 'shipped', tracking_number: trackingNumber, shipped_at: now, updated_at: now };
    return copyOrder(entry.order);
  }
}

function copyOrder(order: StorqOrder): StorqOrder {
  return { ...order, line_items: order.line_items.map((item) => ({ ...item })) };
}
