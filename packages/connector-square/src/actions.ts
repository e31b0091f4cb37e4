/**
 * Square's outbound actions as connectors.yaml `actions:` entries. Square deduplicates writes by
 * the body's `idempotency_key` (the same key and body answer the first result again, changing
 * nothing), so a write that carries one is safe to repeat: declared `idempotent: true`, it is
 * retried on timeouts and 5xx like a read.
 */
import type { PresetAction } from '@connectd/core/connector';

/** A JSON Schema for the action inputs (draft-07, as ajv compiles it). */
type Schema = Readonly<Record<string, unknown>>;

/** Square ids are at most 100 characters (catalog object and location ids alike). */
const SQUARE_ID: Schema = { type: 'string', minLength: 1, maxLength: 100 };

/** Input of `set_inventory_count`: one PHYSICAL_COUNT of BatchChangeInventory. */
export const SET_INVENTORY_COUNT_INPUT: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['idempotency_key', 'catalog_object_id', 'location_id', 'quantity'],
  properties: {
    idempotency_key: { type: 'string', minLength: 1, maxLength: 128, description: 'Square replays the first answer for a repeated key: one count per key.' },
    catalog_object_id: { ...SQUARE_ID, description: 'The item variation whose stock is counted.' },
    location_id: SQUARE_ID,
    // Square's quantities are decimal strings with up to 5 places; a number is written as one.
    quantity: { type: ['number', 'string'], pattern: '^-?\\d+(\\.\\d{1,5})?$' },
    occurred_at: { type: 'string', format: 'date-time', description: 'When the count was taken (default now); Square applies counts in this order, whatever order they arrive in.' },
  },
};

/** The `actions:` block of the preset. Needs the INVENTORY_WRITE scope (not in the read-only default scopes). */
export const SQUARE_ACTIONS = {
  set_inventory_count: {
    description: 'Sets the IN_STOCK count of a variation at a location (a PHYSICAL_COUNT); needs INVENTORY_WRITE',
    input_schema: SET_INVENTORY_COUNT_INPUT,
    request: {
      method: 'POST',
      path: '/v2/inventory/changes/batch-create',
      idempotent: true,
      body: `{
        "idempotency_key": idempotency_key,
        "changes": [{
          "type": "PHYSICAL_COUNT",
          "physical_count": {
            "catalog_object_id": catalog_object_id,
            "location_id": location_id,
            "state": "IN_STOCK",
            "quantity": $string(quantity),
            "occurred_at": occurred_at ? occurred_at : $now()
          }
        }],
        "ignore_unchanged_counts": true
      }`,
    },
    map: '{ "catalog_object_id": counts[0].catalog_object_id, "location_id": counts[0].location_id, "quantity": counts[0].quantity, "calculated_at": counts[0].calculated_at }',
  },
} satisfies Readonly<Record<string, PresetAction>>;
