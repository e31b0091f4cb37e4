import type { SquareItemInput, SquareVariationInput, SquareVariationPatch } from './catalog-state.js';
import {
  catalogVersionUpdatedEvent,
  inventoryCountUpdatedEvent,
  oauthAuthorizationRevokedEvent,
  orderCreatedEvent,
  orderUpdatedEvent,
  paymentCreatedEvent,
  paymentUpdatedEvent,
  type EventStamp,
  type SquareRevokerType,
} from './events.js';
import type { MerchantState, SquareLocationInput } from './merchant-state.js';
import type { OAuthLedger, SquareIssuedToken } from './oauth-ledger.js';
import type { SquareRevocation } from './oauth-revoke.js';
import type { SquareOrderInput, SquareOrderPatch, SquareReturnInput } from './order-state.js';
import type { SquareOrder, SquarePayment } from './order-types.js';
import type { SquarePaymentInput, SquarePaymentPatch } from './payment-state.js';
import { seedMerchant, type SquareSeedOptions, type SquareSeedResult } from './seed.js';
import type { StateContext } from './state-context.js';
import { isoMs } from './time.js';
import type { SquareCatalogItem, SquareCatalogVariation, SquareEvent, SquareInventoryCount, SquareInventoryState, SquareLocation, SquareMerchant } from './types.js';

/**
 * One seller at the fake: read its data as the API would serve it, and change it the way the
 * seller's dashboard or point of sale would. Every change is stamped with the fake's clock and
 * returns the webhook event Square would send for it, ready for {@link FakeSquare.deliver}.
 * Unknown ids throw: they are mistakes in the test, not requests to refuse.
 */
export interface FakeSquareMerchant {
  readonly id: string;
  merchant(): SquareMerchant;
  /** Adds generated data (see {@link SquareSeedOptions}); reproducible for the same fake seed and calls. */
  seed(options?: SquareSeedOptions): SquareSeedResult;
  addLocation(input?: SquareLocationInput): SquareLocation;
  /** Sorted by name, as ListLocations answers. */
  locations(): SquareLocation[];
  /** Items (variations nested), deleted ones too when asked. */
  items(options?: { readonly includeDeleted?: boolean }): SquareCatalogItem[];
  variations(options?: { readonly includeDeleted?: boolean }): SquareCatalogVariation[];
  addItem(input: SquareItemInput): { readonly item: SquareCatalogItem; readonly event: SquareEvent };
  addVariation(itemId: string, input?: SquareVariationInput): { readonly variation: SquareCatalogVariation; readonly event: SquareEvent };
  updateVariation(variationId: string, patch: SquareVariationPatch): { readonly variation: SquareCatalogVariation; readonly event: SquareEvent };
  deleteItem(itemId: string): { readonly item: SquareCatalogItem; readonly event: SquareEvent };
  deleteVariation(variationId: string): { readonly variation: SquareCatalogVariation; readonly event: SquareEvent };
  counts(): SquareInventoryCount[];
  /** Sets a count (added if new), `calculated_at` now; returns its `inventory.count.updated`. */
  updateCount(variationId: string, locationId: string, quantity: number | string, state?: SquareInventoryState): { readonly count: SquareInventoryCount; readonly event: SquareEvent };
  orders(): SquareOrder[];
  order(orderId: string): SquareOrder | undefined;
  addOrder(input: SquareOrderInput): { readonly order: SquareOrder; readonly event: SquareEvent };
  /** Bumps `version` and `updated_at`; returns `order.updated`. */
  updateOrder(orderId: string, patch: SquareOrderPatch): { readonly order: SquareOrder; readonly event: SquareEvent };
  /** Creates the return order (with `returns` and `refunds`); refunds the order's payment too, if it has one. */
  refundOrder(orderId: string, input?: SquareReturnInput): { readonly order: SquareOrder; readonly event: SquareEvent; readonly paymentEvent: SquareEvent | undefined };
  payments(): SquarePayment[];
  addPayment(input: SquarePaymentInput): { readonly payment: SquarePayment; readonly event: SquareEvent };
  updatePayment(paymentId: string, patch: SquarePaymentPatch): { readonly payment: SquarePayment; readonly event: SquareEvent };
  /** Every access token the fake issued for this seller. */
  tokens(): SquareIssuedToken[];
  /** The seller (or Square) ends the authorization outside the API; returns `oauth.authorization.revoked`. */
  revokeAuthorization(revokerType?: Exclude<SquareRevokerType, 'APPLICATION'>): { readonly revocation: SquareRevocation; readonly event: SquareEvent };
}

/** What a merchant handle needs from its fake. */
export interface MerchantHandleDeps {
  readonly state: MerchantState;
  readonly context: StateContext;
  readonly ledger: OAuthLedger;
  readonly recordRevocation: (revocation: SquareRevocation) => void;
  /** A fresh seeded source for each seeding call (or the call's own seed). */
  readonly seedRandom: (seed: number | undefined) => () => number;
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fake square: ${what}`);
  return value;
}

/**
 * Makes the {@link FakeSquareMerchant} handle over one merchant's state.
 * @example
 * const shop = merchantHandle({ state, context, ledger, recordRevocation, seedRandom });
 * const { event } = shop.updateCount(variationId, locationId, 11); // inventory.count.updated
 */
export function merchantHandle(deps: MerchantHandleDeps): FakeSquareMerchant {
  const { state, context } = deps;
  const { catalog, inventory, orders, payments } = state;
  const stamp = (): EventStamp => ({ merchantId: state.id, eventId: context.ids.uuid(), createdAt: isoMs(context.now()) });
  const catalogEvent = (): SquareEvent => catalogVersionUpdatedEvent(stamp(), context.ids.uuid(), isoMs(catalog.lastChangedMs() ?? context.now()));
  const variationsOf = (includeDeleted: boolean): SquareCatalogVariation[] =>
    catalog.objects({ types: ['ITEM_VARIATION'], includeDeleted }).filter((object): object is SquareCatalogVariation => object.type === 'ITEM_VARIATION');

  return {
    id: state.id,
    merchant: () => state.merchant(),
    seed: (options = {}) => seedMerchant(state, deps.seedRandom(options.seed), context.now(), options),
    addLocation: (input) => state.addLocation(input),
    locations: () => state.locations(),
    items: (options = {}) => catalog.objects({ types: ['ITEM'], includeDeleted: options.includeDeleted ?? false }).filter((object): object is SquareCatalogItem => object.type === 'ITEM'),
    variations: (options = {}) => variationsOf(options.includeDeleted ?? false),
    addItem: (input) => ({ item: catalog.addItem(input), event: catalogEvent() }),
    addVariation: (itemId, input = {}) => ({ variation: found(catalog.addVariation(itemId, input), `no live item ${itemId}`), event: catalogEvent() }),
    updateVariation: (id, patch) => ({ variation: found(catalog.updateVariation(id, patch), `no live variation ${id}`), event: catalogEvent() }),
    deleteItem: (id) => ({ item: found(catalog.deleteItem(id), `no live item ${id}`), event: catalogEvent() }),
    deleteVariation: (id) => ({ variation: found(catalog.deleteVariation(id), `no live variation ${id}`), event: catalogEvent() }),
    counts: () => inventory.list(),
    updateCount(variationId, locationId, quantity, countState = 'IN_STOCK') {
      found(catalog.variation(variationId), `no variation ${variationId}`);
      found(state.location(locationId), `no location ${locationId}`);
      const count = inventory.set(variationId, locationId, quantity, countState);
      return { count, event: inventoryCountUpdatedEvent(stamp(), context.ids.uuid(), [count]) };
    },
    orders: () => orders.list(),
    order: (id) => orders.get(id),
    addOrder(input) {
      found(state.location(input.locationId), `no location ${input.locationId}`);
      const order = orders.add(input);
      return { order, event: orderCreatedEvent(stamp(), order) };
    },
    updateOrder(id, patch) {
      const order = found(orders.update(id, patch), `no order ${id}`);
      return { order, event: orderUpdatedEvent(stamp(), order) };
    },
    refundOrder(id, input = {}) {
      const paid = payments.ofOrder(id);
      const order = found(orders.addReturn(id, { ...input, ...(paid === undefined ? {} : { paymentId: paid.id }) }), `no order ${id}`);
      const refund = order.refunds![0]!;
      const payment = paid === undefined ? undefined : payments.update(paid.id, { refund: { id: refund.id, amount: refund.amount_money.amount } });
      return { order, event: orderCreatedEvent(stamp(), order), paymentEvent: payment === undefined ? undefined : paymentUpdatedEvent(stamp(), payment) };
    },
    payments: () => payments.list(),
    addPayment(input) {
      const payment = payments.add(input);
      return { payment, event: paymentCreatedEvent(stamp(), payment) };
    },
    updatePayment(id, patch) {
      const payment = found(payments.update(id, patch), `no payment ${id}`);
      return { payment, event: paymentUpdatedEvent(stamp(), payment) };
    },
    tokens: () => deps.ledger.tokensOf(state.id),
    revokeAuthorization(revokerType = 'MERCHANT') {
      const at = isoMs(context.now());
      const revoked = deps.ledger.revokeAuthorization(state.id);
      const revocation: SquareRevocation = { at, merchantId: state.id, revokerType, by: null, onlyAccessToken: false, accessTokensRevoked: revoked };
      deps.recordRevocation(revocation);
      return { revocation, event: oauthAuthorizationRevokedEvent(stamp(), context.ids.uuid(), { revokedAt: at, revokerType }) };
    },
  };
}
