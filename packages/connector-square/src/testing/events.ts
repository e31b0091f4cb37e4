import type { SquareOrder, SquarePayment } from './order-types.js';
import type { SquareEvent, SquareEventType, SquareInventoryCount } from './types.js';

/** What every event needs besides its object: who, which event, and when (RFC 3339). */
export interface EventStamp {
  readonly merchantId: string;
  /** A UUID; receivers dedupe on it. */
  readonly eventId: string;
  readonly createdAt: string;
}

/** Who ended an authorization, as `oauth.authorization.revoked` reports it. */
export type SquareRevokerType = 'APPLICATION' | 'MERCHANT' | 'SQUARE';

function envelope(stamp: EventStamp, type: SquareEventType, data: SquareEvent['data']): SquareEvent {
  return { merchant_id: stamp.merchantId, type, event_id: stamp.eventId, created_at: stamp.createdAt, data };
}

/**
 * `inventory.count.updated`: `data.type` `inventory_counts`, the changed counts in
 * `data.object.inventory_counts` (Square batches up to 100 per notification). `data.id` names no
 * object, so it is a UUID of its own, as in Square's example.
 * @example
 * inventoryCountUpdatedEvent(stamp, uuid, [count]).data.object; // { inventory_counts: [count] }
 */
export function inventoryCountUpdatedEvent(stamp: EventStamp, dataId: string, counts: readonly SquareInventoryCount[]): SquareEvent {
  return envelope(stamp, 'inventory.count.updated', { type: 'inventory_counts', id: dataId, object: { inventory_counts: counts } });
}

/** The summary an order event carries instead of the order (receivers fetch the order). */
function orderSummary(order: SquareOrder, withUpdatedAt: boolean): Record<string, unknown> {
  return {
    order_id: order.id,
    version: order.version,
    location_id: order.location_id,
    state: order.state,
    created_at: order.created_at,
    ...(withUpdatedAt ? { updated_at: order.updated_at } : {}),
  };
}

/**
 * `order.created`: only a summary `order_created{order_id, version, location_id, state, created_at}`.
 * (Square fires it only for orders made through CreateOrder, not at the point of sale.)
 * @example
 * orderCreatedEvent(stamp, order).data; // { type: 'order_created', id: order.id, object: { order_created: {…} } }
 */
export function orderCreatedEvent(stamp: EventStamp, order: SquareOrder): SquareEvent {
  return envelope(stamp, 'order.created', { type: 'order_created', id: order.id, object: { order_created: orderSummary(order, false) } });
}

/**
 * `order.updated`: the summary `order_updated{…, updated_at}` with the new version.
 * @example
 * orderUpdatedEvent(stamp, order).data.object; // { order_updated: { order_id, version: 2, …, updated_at } }
 */
export function orderUpdatedEvent(stamp: EventStamp, order: SquareOrder): SquareEvent {
  return envelope(stamp, 'order.updated', { type: 'order_updated', id: order.id, object: { order_updated: orderSummary(order, true) } });
}

/**
 * `payment.created`: the whole payment under `data.object.payment`; `data.id` is the payment id
 * (the spec's description of the field; its `payment.updated` example agrees).
 * @example
 * paymentCreatedEvent(stamp, payment).data.object.payment === payment; // structurally
 */
export function paymentCreatedEvent(stamp: EventStamp, payment: SquarePayment): SquareEvent {
  return envelope(stamp, 'payment.created', { type: 'payment', id: payment.id, object: { payment } });
}

/**
 * `payment.updated`: like `payment.created`, with the changed payment.
 * @example
 * paymentUpdatedEvent(stamp, { ...payment, status: 'COMPLETED' }).type; // 'payment.updated'
 */
export function paymentUpdatedEvent(stamp: EventStamp, payment: SquarePayment): SquareEvent {
  return envelope(stamp, 'payment.updated', { type: 'payment', id: payment.id, object: { payment } });
}

/**
 * `catalog.version.updated`: only `data.object.catalog_version.updated_at`, the time of the
 * catalog's latest change; receivers re-read the catalog (SearchCatalogObjects with `begin_time`).
 * @example
 * catalogVersionUpdatedEvent(stamp, uuid, '2019-10-29T17:26:16.53Z');
 */
export function catalogVersionUpdatedEvent(stamp: EventStamp, dataId: string, updatedAt: string): SquareEvent {
  return envelope(stamp, 'catalog.version.updated', { type: 'catalog_version', id: dataId, object: { catalog_version: { updated_at: updatedAt } } });
}

/**
 * `oauth.authorization.revoked`: `data.type` `revocation`, `data.object.revocation{revoked_at, revoker_type}`;
 * `data.id` is "not applicable" per the spec, a UUID in its example.
 * @example
 * oauthAuthorizationRevokedEvent(stamp, uuid, { revokedAt: stamp.createdAt, revokerType: 'MERCHANT' });
 */
export function oauthAuthorizationRevokedEvent(stamp: EventStamp, dataId: string, revocation: { readonly revokedAt: string; readonly revokerType: SquareRevokerType }): SquareEvent {
  return envelope(stamp, 'oauth.authorization.revoked', {
    type: 'revocation',
    id: dataId,
    object: { revocation: { revoked_at: revocation.revokedAt, revoker_type: revocation.revokerType } },
  });
}
