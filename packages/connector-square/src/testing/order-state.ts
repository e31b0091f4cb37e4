import { squareQuantity } from './inventory-state.js';
import { amountsOf, buildLineItems, lineTotal, money, type SquareLineItemInput, type VariationFacts } from './order-lines.js';
import type { SquareOrder, SquareOrderReturnLineItem, SquareOrderState } from './order-types.js';
import type { StateContext } from './state-context.js';
import { isoMs } from './time.js';

/** An order to add; `createdAtMs` backdates it (seeding), otherwise it is stamped now. */
export interface SquareOrderInput {
  /** Default a new Square-shaped id. */
  readonly id?: string;
  readonly locationId: string;
  readonly lineItems: readonly SquareLineItemInput[];
  readonly state?: SquareOrderState;
  readonly referenceId?: string;
  readonly createdAtMs?: number;
  /** Default `createdAtMs`. */
  readonly updatedAtMs?: number;
  /** Default 1; orders Square's API changed more than once carry higher versions. */
  readonly version?: number;
}

/** A change to an order: a new state and/or new line items. */
export interface SquareOrderPatch {
  readonly state?: SquareOrderState;
  readonly lineItems?: readonly SquareLineItemInput[];
}

/** Lines of a sale order coming back: all of them, or some by `uid` (default the whole quantity). */
export interface SquareReturnInput {
  readonly lineItems?: ReadonlyArray<{ readonly uid: string; readonly quantity?: number | string }>;
  readonly reason?: string;
  /** The payment refunded; its id becomes the refund's `tender_id` and prefixes the refund id. */
  readonly paymentId?: string;
}

type MutableOrder = { -readonly [K in keyof SquareOrder]: SquareOrder[K] };

const CLOSED_STATES: readonly SquareOrderState[] = ['COMPLETED', 'CANCELED'];

/**
 * One merchant's orders. Every change bumps `version` by one and stamps `updated_at` with the
 * fake's clock; reaching COMPLETED or CANCELED sets `closed_at`. A return is a new COMPLETED
 * order holding `returns` (pointing at the sale order) and its `refunds`, as Square models
 * itemized returns; the sale order itself does not change.
 * @example
 * const orders = new OrderState(context, 'USD', lookup);
 * const order = orders.add({ locationId: 'L1', lineItems: [{ catalogObjectId: 'V1', quantity: 2 }] });
 * orders.update(order.id, { state: 'COMPLETED' }).version; // 2
 */
export class OrderState {
  readonly #context: StateContext;
  readonly #currency: string;
  readonly #lookup: (variationId: string) => VariationFacts | undefined;
  readonly #orders = new Map<string, MutableOrder>();

  constructor(context: StateContext, currency: string, lookup: (variationId: string) => VariationFacts | undefined) {
    this.#context = context;
    this.#currency = currency;
    this.#lookup = lookup;
  }

  add(input: SquareOrderInput): SquareOrder {
    const createdMs = input.createdAtMs ?? this.#context.now();
    const updatedMs = input.updatedAtMs ?? createdMs;
    const state = input.state ?? 'OPEN';
    const id = input.id ?? this.#context.ids.order();
    if (this.#orders.has(id)) throw new Error(`fake square: order ${id} already exists`);
    const order: MutableOrder = {
      id,
      location_id: input.locationId,
      ...(input.referenceId === undefined ? {} : { reference_id: input.referenceId }),
      source: { name: 'Fake Square' },
      created_at: isoMs(createdMs),
      updated_at: isoMs(updatedMs),
      ...(CLOSED_STATES.includes(state) ? { closed_at: isoMs(updatedMs) } : {}),
      state,
      version: input.version ?? 1,
      ...this.#linesAndTotals(input.lineItems),
    };
    this.#orders.set(order.id, order);
    return structuredClone(order);
  }

  #linesAndTotals(inputs: readonly SquareLineItemInput[]): Pick<MutableOrder, 'line_items' | 'net_amounts' | 'total_money' | 'total_tax_money' | 'total_discount_money' | 'total_tip_money' | 'total_service_charge_money'> {
    const lineItems = buildLineItems(inputs, this.#lookup, this.#currency, this.#context.ids.uid);
    const total = lineItems.reduce((sum, line) => sum + line.total_money.amount, 0);
    const zero = money(0, this.#currency);
    return {
      line_items: lineItems,
      net_amounts: amountsOf(total, this.#currency),
      total_money: money(total, this.#currency),
      total_tax_money: zero,
      total_discount_money: zero,
      total_tip_money: zero,
      total_service_charge_money: zero,
    };
  }

  /** Applies a change; undefined for an unknown order. */
  update(id: string, patch: SquareOrderPatch): SquareOrder | undefined {
    const order = this.#orders.get(id);
    if (order === undefined) return undefined;
    const now = isoMs(this.#context.now());
    if (patch.lineItems !== undefined) Object.assign(order, this.#linesAndTotals(patch.lineItems));
    if (patch.state !== undefined && patch.state !== order.state) {
      order.state = patch.state;
      if (CLOSED_STATES.includes(patch.state)) order.closed_at = now;
      else delete order.closed_at;
    }
    order.version += 1;
    order.updated_at = now;
    return structuredClone(order);
  }

  /** Creates the return order for lines of a sale order; undefined for an unknown sale order. Throws for an unknown line uid. */
  addReturn(sourceOrderId: string, input: SquareReturnInput): SquareOrder | undefined {
    const source = this.#orders.get(sourceOrderId);
    if (source === undefined) return undefined;
    const { ids } = this.#context;
    const returnLines = this.#returnLines(source, input);
    const total = returnLines.reduce((sum, line) => sum + line.total_money.amount, 0);
    const now = isoMs(this.#context.now());
    const zero = money(0, this.#currency);
    const order: MutableOrder = {
      id: ids.order(),
      location_id: source.location_id,
      source: { name: 'Fake Square' },
      returns: [{ uid: ids.uid(), source_order_id: source.id, return_line_items: returnLines }],
      refunds: [
        {
          id: input.paymentId === undefined ? ids.payment() : `${input.paymentId}_${ids.uid()}`,
          location_id: source.location_id,
          transaction_id: source.id,
          ...(input.paymentId === undefined ? {} : { tender_id: input.paymentId }),
          created_at: now,
          reason: input.reason ?? 'Returned goods',
          amount_money: money(total, this.#currency),
          status: 'APPROVED',
        },
      ],
      return_amounts: amountsOf(total, this.#currency),
      net_amounts: amountsOf(-total, this.#currency),
      created_at: now,
      updated_at: now,
      closed_at: now,
      state: 'COMPLETED',
      version: 1,
      total_money: zero,
      total_tax_money: zero,
      total_discount_money: zero,
      total_tip_money: zero,
      total_service_charge_money: zero,
    };
    this.#orders.set(order.id, order);
    return structuredClone(order);
  }

  #returnLines(source: SquareOrder, input: SquareReturnInput): SquareOrderReturnLineItem[] {
    const lines = source.line_items ?? [];
    const wanted = input.lineItems ?? lines.map((line) => ({ uid: line.uid, quantity: undefined }));
    return wanted.map(({ uid, quantity }) => {
      const line = lines.find((candidate) => candidate.uid === uid);
      if (line === undefined) throw new Error(`fake square: order ${source.id} has no line item ${uid}`);
      const returned = quantity === undefined ? line.quantity : squareQuantity(quantity);
      return {
        uid: this.#context.ids.uid(),
        source_line_item_uid: line.uid,
        name: line.name,
        quantity: returned,
        ...(line.catalog_object_id === undefined ? {} : { catalog_object_id: line.catalog_object_id }),
        item_type: line.item_type,
        base_price_money: line.base_price_money,
        total_money: money(lineTotal(line.base_price_money.amount, returned), this.#currency),
      };
    });
  }

  get(id: string): SquareOrder | undefined {
    const order = this.#orders.get(id);
    return order === undefined ? undefined : structuredClone(order);
  }

  /** Every order, in creation order. */
  list(): SquareOrder[] {
    return [...this.#orders.values()].map((order) => structuredClone(order));
  }
}
