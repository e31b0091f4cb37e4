import type { StateContext } from './state-context.js';
import { isoMs } from './time.js';
import type { SquareInventoryCount, SquareInventoryState } from './types.js';

/** Square's quantities: a decimal string with up to 5 digits after the point. */
const QUANTITY = /^-?\d+(\.\d{1,5})?$/;

/**
 * A quantity as Square writes it, from a number or a decimal string; throws on anything else
 * (a test bug, not a request the fake refuses).
 * @example
 * squareQuantity(2.5); // '2.5'
 * squareQuantity('10'); // '10'
 */
export function squareQuantity(quantity: number | string): string {
  const text = typeof quantity === 'number' ? String(Number(quantity.toFixed(5))) : quantity;
  if (!QUANTITY.test(text)) throw new TypeError(`fake square: ${String(quantity)} is not a quantity (a decimal with up to 5 places)`);
  return text;
}

/** States Square does not track counts in ("Ignored are untracked states of NONE, SOLD, and UNLINKED_RETURN"). */
const UNTRACKED_STATES: readonly SquareInventoryState[] = ['NONE', 'SOLD', 'UNLINKED_RETURN'];

interface CountRecord {
  readonly catalogObjectId: string;
  readonly locationId: string;
  readonly state: SquareInventoryState;
  quantity: string;
  calculatedMs: number;
}

const keyOf = (catalogObjectId: string, locationId: string, state: string): string => `${catalogObjectId}\u0000${locationId}\u0000${state}`;

/**
 * One merchant's inventory counts: one per variation × location × state, each with the quantity
 * and `calculated_at` of its last change (the fake's clock, or a seeded time).
 * @example
 * const inventory = new InventoryState(context);
 * inventory.set('VARIATION_ID', 'LOCATION_ID', '12');
 * inventory.list(); // [{ catalog_object_id: 'VARIATION_ID', quantity: '12', state: 'IN_STOCK', … }]
 */
export class InventoryState {
  readonly #context: StateContext;
  readonly #counts = new Map<string, CountRecord>();

  constructor(context: StateContext) {
    this.#context = context;
  }

  /** Sets one count (added if new), stamped now or at `calculatedMs`; throws for an untracked state. */
  set(catalogObjectId: string, locationId: string, quantity: number | string, state: SquareInventoryState = 'IN_STOCK', calculatedMs?: number): SquareInventoryCount {
    if (UNTRACKED_STATES.includes(state)) throw new TypeError(`fake square: Square keeps no counts in state ${state}`);
    const key = keyOf(catalogObjectId, locationId, state);
    const record: CountRecord = this.#counts.get(key) ?? { catalogObjectId, locationId, state, quantity: '0', calculatedMs: 0 };
    record.quantity = squareQuantity(quantity);
    record.calculatedMs = calculatedMs ?? this.#context.now();
    this.#counts.set(key, record);
    return render(record);
  }

  /** The count of one variation at one location in one state. */
  get(catalogObjectId: string, locationId: string, state: SquareInventoryState = 'IN_STOCK'): SquareInventoryCount | undefined {
    const record = this.#counts.get(keyOf(catalogObjectId, locationId, state));
    return record === undefined ? undefined : render(record);
  }

  /** Every count, in no particular order (the API sorts). */
  list(): SquareInventoryCount[] {
    return [...this.#counts.values()].map(render);
  }
}

function render(record: CountRecord): SquareInventoryCount {
  return {
    catalog_object_id: record.catalogObjectId,
    catalog_object_type: 'ITEM_VARIATION',
    state: record.state,
    location_id: record.locationId,
    quantity: record.quantity,
    calculated_at: isoMs(record.calculatedMs),
  };
}
