/**
 * storq's outbound actions as connectors.yaml `actions:` entries. storq does not deduplicate
 * `external_id` or accept an idempotency header; its guide tells clients to look the order up
 * first. Each action therefore declares a lookup that finds an earlier success before a retry.
 */
import type { PresetAction } from '@connectd/core/connector';

/** A JSON Schema for the action inputs (draft-07, as ajv compiles it). */
type Schema = Readonly<Record<string, unknown>>;

/** Loose on purpose: storq only checks for an `@`, and a stricter check would refuse what storq takes. */
const EMAIL: Schema = { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 254 };
const NON_EMPTY: Schema = { type: 'string', minLength: 1 };

/** Input of `create_order`: what `POST /orders` takes. */
export const CREATE_ORDER_INPUT: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['customer_email', 'external_id', 'line_items'],
  properties: {
    customer_email: EMAIL,
    external_id: { ...NON_EMPTY, description: 'Your id for the order; retries and repeats with the same id create it once.' },
    line_items: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sku', 'quantity'],
        properties: { sku: NON_EMPTY, quantity: { type: 'integer', minimum: 1 } },
      },
    },
  },
};

/** Input of `create_product`: what `POST /products` takes. */
export const CREATE_PRODUCT_INPUT: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'sku'],
  properties: { name: NON_EMPTY, sku: { ...NON_EMPTY, description: 'Unique at storq; repeats with the same sku create it once.' } },
};

/** The `actions:` block of the preset. */
export const STORQ_ACTIONS = {
  create_order: {
    description: 'Creates a fulfilment order; an order with the same external_id is looked up first, so retries create it once',
    input_schema: CREATE_ORDER_INPUT,
    request: {
      method: 'POST',
      path: '/orders',
      body: '{ "customer_email": customer_email, "external_id": external_id, "line_items": line_items }',
    },
    idempotency: {
      key: 'external_id',
      // The answer is a bare array of orders: the default records path (the body) finds the match.
      lookup: { path: '/orders', query: { external_id: '{{external_id}}' } },
    },
    map: '{ "id": id, "external_id": external_id, "status": status, "created_at": created_at }',
  },
  create_product: {
    description: 'Creates a product; a product with the same sku is looked up first, so retries create it once',
    input_schema: CREATE_PRODUCT_INPUT,
    request: { method: 'POST', path: '/products', body: '{ "name": name, "sku": sku }' },
    idempotency: {
      key: 'sku',
      lookup: { path: '/products', query: { sku: '{{sku}}' }, records: '$.products' },
    },
    map: '{ "id": id, "sku": sku, "name": name, "created_at": created_at }',
  },
} satisfies Readonly<Record<string, PresetAction>>;
