import type { ConnectionSource } from './graphql-connections.js';
import type { SearchFields } from './graphql-search.js';
import { connection, object, scalar, type ResolveContext, type TypeDef } from './graphql-types.js';
import { gid } from './ids.js';
import { orderTotal } from './rest-views.js';
import type { ShopifyLineItem, ShopifyOrder } from './shop-types.js';
import { DAY_MS, graphqlTime } from './time.js';

const time = (ms: number | null): string | null => (ms === null ? null : graphqlTime(ms));

/** `displayFulfillmentStatus` of the REST `fulfillment_status`. */
const FULFILLMENT: Readonly<Record<string, string>> = { null: 'UNFULFILLED', partial: 'PARTIALLY_FULFILLED', fulfilled: 'FULFILLED' };
const statusOf = (o: ShopifyOrder): string => (o.cancelledAtMs !== null ? 'cancelled' : o.closedAtMs !== null ? 'closed' : 'open');

const ORDER_SEARCH: SearchFields<ShopifyOrder> = {
  id: { kind: 'id', get: (o) => o.id },
  name: { kind: 'string', get: (o) => o.name },
  email: { kind: 'string', get: (o) => o.email },
  // `status:any` (a REST habit) matches every order rather than none.
  status: { kind: 'string', get: (o) => [statusOf(o), 'any'] },
  financial_status: { kind: 'string', get: (o) => o.financialStatus },
  fulfillment_status: { kind: 'string', get: (o) => (o.fulfillmentStatus === null ? 'unshipped' : o.fulfillmentStatus === 'partial' ? 'partial' : 'shipped') },
  test: { kind: 'boolean', get: (o) => o.test },
  customer_id: { kind: 'id', get: (o) => o.customerId },
  sku: { kind: 'string', get: (o) => o.lineItems.flatMap((l) => (l.sku === null ? [] : [l.sku])) },
  created_at: { kind: 'date', get: (o) => o.createdAtMs },
  updated_at: { kind: 'date', get: (o) => o.updatedAtMs },
  processed_at: { kind: 'date', get: (o) => o.processedAtMs },
};

/**
 * Orders a token may read: without `read_all_orders`, only those created in the last 60 days
 * (Shopify's rule for both APIs).
 * @example
 * visibleOrders(context); // in no particular order; callers sort
 */
export function visibleOrders(context: ResolveContext): ShopifyOrder[] {
  const orders = [...context.state.orders.values()];
  if (context.ordersWindowDays === undefined) return orders;
  const since = context.nowMs - context.ordersWindowDays * DAY_MS;
  return orders.filter((o) => o.createdAtMs >= since);
}

/**
 * `orders` (within the 60-day window unless `read_all_orders`): searchable by id, name, email, status
 * (open, closed, cancelled; `any` matches all), financial_status, fulfillment_status, test,
 * customer_id, sku, created_at, updated_at, processed_at.
 * @example
 * ordersSource(context);
 */
export function ordersSource(context: ResolveContext): ConnectionSource<ShopifyOrder> {
  return {
    items: visibleOrders(context),
    idOf: (o) => o.id,
    search: ORDER_SEARCH,
    textFields: ['name', 'email'],
    sortKeys: {
      CREATED_AT: (o) => o.createdAtMs,
      UPDATED_AT: (o) => o.updatedAtMs,
      PROCESSED_AT: (o) => o.processedAtMs,
      ORDER_NUMBER: (o) => o.number,
      TOTAL_PRICE: (o) => Number(orderTotal(o)),
    },
  };
}

const money = (amount: string, currency: string): { shopMoney: unknown; presentmentMoney: unknown } => ({
  shopMoney: { amount, currencyCode: currency },
  presentmentMoney: { amount, currencyCode: currency },
});
const lineTotal = (line: ShopifyLineItem): string => {
  const [whole, fraction = ''] = line.price.split('.');
  const cents = (BigInt(whole!) * 100n + BigInt((fraction + '00').slice(0, 2))) * BigInt(line.quantity);
  return `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
};

/** Order, its line items, money bags and the customer. */
export const ORDER_TYPES: readonly TypeDef[] = [
  {
    name: 'Order',
    fields: {
      id: scalar('ID!', (o) => gid('Order', o.id)),
      legacyResourceId: scalar('UnsignedInt64!', (o) => o.id),
      name: scalar('String!', (o) => o.name),
      email: scalar('String', (o) => o.email),
      createdAt: scalar('DateTime!', (o) => time(o.createdAtMs)),
      updatedAt: scalar('DateTime!', (o) => time(o.updatedAtMs)),
      processedAt: scalar('DateTime!', (o) => time(o.processedAtMs)),
      cancelledAt: scalar('DateTime', (o) => time(o.cancelledAtMs)),
      closedAt: scalar('DateTime', (o) => time(o.closedAtMs)),
      closed: scalar('Boolean!', (o) => o.closedAtMs !== null),
      test: scalar('Boolean!', (o) => o.test),
      currencyCode: scalar('CurrencyCode!', (o) => o.currency),
      displayFinancialStatus: scalar('OrderDisplayFinancialStatus', (o) => o.financialStatus.toUpperCase()),
      displayFulfillmentStatus: scalar('OrderDisplayFulfillmentStatus!', (o) => FULFILLMENT[String(o.fulfillmentStatus)]),
      sourceName: scalar('String', (o) => o.sourceName),
      totalPriceSet: object('MoneyBag!', (o) => money(orderTotal(o), o.currency)),
      subtotalPriceSet: object('MoneyBag', (o) => money(orderTotal(o), o.currency)),
      currentTotalPriceSet: object('MoneyBag!', (o) => money(o.cancelledAtMs === null ? orderTotal(o) : '0.00', o.currency)),
      totalTaxSet: object('MoneyBag', (o) => money('0.00', o.currency)),
      customer: object('Customer', (o, _a, c) => (o.customerId === null ? null : (c.state.customers.get(o.customerId) ?? null))),
      lineItems: connection('LineItem', (o) => ({ items: o.lineItems.map((line: ShopifyLineItem) => ({ line, order: o })), idOf: (x: { line: ShopifyLineItem }) => x.line.id, search: {} }), { searchable: false }),
    },
  },
  {
    name: 'LineItem',
    fields: {
      id: scalar('ID!', (x) => gid('LineItem', x.line.id)),
      name: scalar('String!', (x) => (x.line.variantTitle === null ? x.line.title : `${x.line.title} - ${x.line.variantTitle}`)),
      title: scalar('String!', (x) => x.line.title),
      sku: scalar('String', (x) => x.line.sku),
      quantity: scalar('Int!', (x) => x.line.quantity),
      currentQuantity: scalar('Int!', (x) => (x.order.cancelledAtMs === null ? x.line.quantity : 0)),
      variantTitle: scalar('String', (x) => x.line.variantTitle),
      vendor: scalar('String', (x) => x.line.vendor),
      variant: object('ProductVariant', (x, _a, c) => (x.line.variantId === null ? null : (c.state.variants.get(x.line.variantId) ?? null))),
      product: object('Product', (x, _a, c) => (x.line.productId === null ? null : (c.state.products.get(x.line.productId) ?? null))),
      originalUnitPriceSet: object('MoneyBag!', (x) => money(x.line.price, x.order.currency)),
      discountedUnitPriceSet: object('MoneyBag!', (x) => money(x.line.price, x.order.currency)),
      originalTotalSet: object('MoneyBag!', (x) => money(lineTotal(x.line), x.order.currency)),
    },
  },
  {
    name: 'MoneyBag',
    fields: { shopMoney: object('MoneyV2!', (b) => b.shopMoney), presentmentMoney: object('MoneyV2!', (b) => b.presentmentMoney) },
  },
  {
    name: 'MoneyV2',
    fields: { amount: scalar('Decimal!', (m) => m.amount), currencyCode: scalar('CurrencyCode!', (m) => m.currencyCode) },
  },
  {
    name: 'Customer',
    fields: {
      id: scalar('ID!', (c) => gid('Customer', c.id)),
      legacyResourceId: scalar('UnsignedInt64!', (c) => c.id),
      email: scalar('String', (c) => c.email),
      phone: scalar('String', (c) => c.phone),
      firstName: scalar('String', (c) => c.firstName),
      lastName: scalar('String', (c) => c.lastName),
      displayName: scalar('String!', (c) => `${c.firstName} ${c.lastName}`),
      createdAt: scalar('DateTime!', (c) => time(c.createdAtMs)),
      updatedAt: scalar('DateTime!', (c) => time(c.updatedAtMs)),
    },
  },
];
