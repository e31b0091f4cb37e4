import { CatalogState } from './catalog-state.js';
import { InventoryState } from './inventory-state.js';
import { OrderState } from './order-state.js';
import { PaymentState } from './payment-state.js';
import type { StateContext } from './state-context.js';
import { isoMs } from './time.js';
import type { SquareLocation, SquareMerchant } from './types.js';

/** A seller to add; defaults make a US seller paying in USD. */
export interface SquareMerchantInput {
  /** Default a new Square-shaped id (the first merchant of a fake: `MLQW2MYBY81PZ`). */
  readonly id?: string;
  readonly businessName?: string;
  readonly country?: string;
  readonly currency?: string;
  readonly languageCode?: string;
}

/** A location to add; names must be unique within a seller, as at Square. */
export interface SquareLocationInput {
  readonly id?: string;
  /** Default `Location <n>`. */
  readonly name?: string;
  readonly status?: 'ACTIVE' | 'INACTIVE';
  readonly timezone?: string;
  readonly createdAtMs?: number;
}

/**
 * Everything one seller has at the fake: its locations (the first one added is the main location,
 * which ListPayments answers for when no `location_id` is given), catalog, inventory, orders and
 * payments.
 * @example
 * const merchant = new MerchantState(context, { id: 'MLQW2MYBY81PZ' });
 * merchant.addLocation({ name: 'Grant Park' });
 */
export class MerchantState {
  readonly id: string;
  readonly catalog: CatalogState;
  readonly inventory: InventoryState;
  readonly orders: OrderState;
  readonly payments: PaymentState;
  readonly #context: StateContext;
  readonly #merchant: Omit<SquareMerchant, 'main_location_id'>;
  readonly #locations: SquareLocation[] = [];

  constructor(context: StateContext, input: SquareMerchantInput = {}) {
    this.#context = context;
    this.id = input.id ?? context.ids.merchant();
    const currency = input.currency ?? 'USD';
    this.#merchant = {
      id: this.id,
      business_name: input.businessName ?? 'Fake Square Coffee',
      country: input.country ?? 'US',
      language_code: input.languageCode ?? 'en-US',
      currency,
      status: 'ACTIVE',
      created_at: isoMs(context.now()),
    };
    this.catalog = new CatalogState(context, currency);
    this.inventory = new InventoryState(context);
    this.payments = new PaymentState(context, currency);
    this.orders = new OrderState(context, currency, (variationId) => {
      const variation = this.catalog.variation(variationId);
      if (variation === undefined) return undefined;
      const data = variation.item_variation_data;
      return { itemName: this.catalog.itemNameOf(variationId) ?? data.name, variationName: data.name, priceAmount: data.price_money.amount, version: variation.version };
    });
  }

  merchant(): SquareMerchant {
    return { ...this.#merchant, main_location_id: this.#locations[0]?.id ?? null };
  }

  /** Adds a location; throws when the seller already has one with this name or id. */
  addLocation(input: SquareLocationInput = {}): SquareLocation {
    const n = this.#locations.length + 1;
    const name = input.name ?? `Location ${n}`;
    const id = input.id ?? this.#context.ids.location();
    if (this.#locations.some((location) => location.name === name || location.id === id)) {
      throw new Error(`fake square: merchant ${this.id} already has a location named ${name} or with id ${id}`);
    }
    const m = this.#merchant;
    const location: SquareLocation = {
      id,
      name,
      address: { address_line_1: `${100 + n} Main St`, locality: 'San Francisco', administrative_district_level_1: 'CA', postal_code: '94114', country: m.country },
      timezone: input.timezone ?? 'America/Los_Angeles',
      capabilities: ['CREDIT_CARD_PROCESSING'],
      status: input.status ?? 'ACTIVE',
      created_at: isoMs(input.createdAtMs ?? this.#context.now()),
      merchant_id: this.id,
      country: m.country,
      language_code: m.language_code,
      currency: m.currency,
      business_name: m.business_name,
      type: 'PHYSICAL',
    };
    this.#locations.push(location);
    return structuredClone(location);
  }

  /** Locations sorted by name, as ListLocations answers them (inactive ones included). */
  locations(): SquareLocation[] {
    return [...this.#locations].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((location) => structuredClone(location));
  }

  location(id: string): SquareLocation | undefined {
    const location = this.#locations.find((candidate) => candidate.id === id);
    return location === undefined ? undefined : structuredClone(location);
  }
}
