import type { StorqOrderInput } from './types.js';

/** A refused body: the field at fault (storq's `param`) and why. */
export interface InvalidField {
  readonly param: string;
  readonly message: string;
}

type Checked<T> = { readonly ok: T } | { readonly invalid: InvalidField };

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const invalid = (param: string, message: string): { invalid: InvalidField } => ({ invalid: { param, message } });

/**
 * Reads a request body as a JSON object; undefined when it is not one.
 * @example
 * parseJsonObject('{"sku":"A"}'); // { sku: 'A' }
 */
export function parseJsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a `POST /products` body: `name` and `sku` non-empty strings.
 * @example
 * checkProductInput({ name: 'Mug' }); // { invalid: { param: 'sku', message: '…' } }
 */
export function checkProductInput(body: Record<string, unknown>): Checked<{ name: string; sku: string }> {
  if (!nonEmptyString(body.name)) return invalid('name', 'name is required and must be a non-empty string');
  if (!nonEmptyString(body.sku)) return invalid('sku', 'sku is required and must be a non-empty string');
  return { ok: { name: body.name, sku: body.sku } };
}

/**
 * Checks a `POST /orders` body: `customer_email` with an `@`, `external_id` a non-empty string,
 * `line_items` a non-empty array of `{sku: string, quantity: integer >= 1}`. The param of a bad
 * line item names it: `line_items[1].quantity`.
 * @example
 * checkOrderInput({ customer_email: 'a@b.c', external_id: 'x', line_items: [] }); // { invalid: { param: 'line_items', … } }
 */
export function checkOrderInput(body: Record<string, unknown>): Checked<StorqOrderInput> {
  const { customer_email: email, external_id: externalId, line_items: items } = body;
  if (typeof email !== 'string' || !email.includes('@')) return invalid('customer_email', 'customer_email must be an email address');
  if (!nonEmptyString(externalId)) return invalid('external_id', 'external_id is required and must be a non-empty string');
  if (!Array.isArray(items) || items.length === 0) return invalid('line_items', 'line_items must be a non-empty array');
  const lineItems: Array<{ sku: string; quantity: number }> = [];
  for (const [index, item] of items.entries()) {
    if (!isObject(item)) return invalid(`line_items[${index}]`, 'each line item is an object with sku and quantity');
    if (!nonEmptyString(item.sku)) return invalid(`line_items[${index}].sku`, 'sku must be a non-empty string');
    if (typeof item.quantity !== 'number' || !Number.isInteger(item.quantity) || item.quantity < 1) {
      return invalid(`line_items[${index}].quantity`, 'quantity must be an integer >= 1');
    }
    lineItems.push({ sku: item.sku, quantity: item.quantity });
  }
  return { ok: { customer_email: email, external_id: externalId, line_items: lineItems } };
}
