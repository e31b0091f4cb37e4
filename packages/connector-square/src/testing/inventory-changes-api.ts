import type { V2Context } from './api-context.js';
import { BodyReader, parseJsonBody } from './body-reader.js';
import type { FakeAnswer, RecordedRequest } from './core-test-kit.js';
import type { MerchantState } from './merchant-state.js';
import { invalidRequest, squareJson } from './replies.js';
import { isoMs } from './time.js';
import type { SquareInventoryCount } from './types.js';

/** Square's quantities: a decimal string with up to 5 digits after the point. */
const QUANTITY = /^-?\d+(\.\d{1,5})?$/;
/** BatchChangeInventory takes at most 100 changes a request. */
export const MAX_SQUARE_INVENTORY_CHANGES = 100;

/** What one seller's BatchChangeInventory calls left behind: answers by idempotency key, and the change count. */
interface ChangeLedger {
  readonly answers: Map<string, { readonly body: string; readonly answer: FakeAnswer }>;
  changes: number;
}

// Per seller, held beside (not in) its state: the seller's data stays what a test seeded and wrote.
const ledgers = new WeakMap<MerchantState, ChangeLedger>();

function ledgerOf(merchant: MerchantState): ChangeLedger {
  let ledger = ledgers.get(merchant);
  if (ledger === undefined) {
    ledger = { answers: new Map(), changes: 0 };
    ledgers.set(merchant, ledger);
  }
  return ledger;
}

interface PhysicalCount {
  readonly catalogObjectId: string;
  readonly locationId: string;
  readonly quantity: string;
  readonly occurredAt: string;
}

/** Reads and checks one change; the reader keeps the first refusal. */
function readChange(context: V2Context, value: unknown, index: number, refuse: BodyReader): PhysicalCount | undefined {
  const field = `changes[${index}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse.refuse('EXPECTED_OBJECT', `${field} must be an object`, field);
  const change = new BodyReader(value as Record<string, unknown>, { prefix: `${field}.` });
  const type = change.string('type');
  // The fake applies physical counts; adjustments and transfers are beyond what connectd sends.
  if (type !== 'PHYSICAL_COUNT') return refuse.refuse('INVALID_VALUE', `${field}.type must be PHYSICAL_COUNT at the fake`, `${field}.type`);
  const count = change.object('physical_count');
  const catalogObjectId = count?.string('catalog_object_id');
  const locationId = count?.string('location_id');
  const state = count?.string('state');
  const quantity = count?.string('quantity');
  const occurredAt = count?.string('occurred_at');
  const occurredMs = count?.time('occurred_at');
  if (change.refusal !== undefined) return refuse.refuse('INVALID_VALUE', 'a change is malformed', field);
  const at = `${field}.physical_count`;
  if (catalogObjectId === undefined) return refuse.refuse('MISSING_REQUIRED_PARAMETER', `${at}.catalog_object_id is required`, `${at}.catalog_object_id`);
  const variation = context.merchant.catalog.variation(catalogObjectId);
  if (variation === undefined || variation.is_deleted === true) {
    // Assumption (Square documents no error list for this endpoint): an unknown or deleted
    // variation is refused as an invalid value of the field, 400.
    return refuse.refuse('INVALID_VALUE', `Catalog object \`${catalogObjectId}\` does not exist or is deleted`, `${at}.catalog_object_id`);
  }
  if (locationId === undefined || context.merchant.location(locationId) === undefined) {
    return refuse.refuse('INVALID_VALUE', `Location \`${locationId ?? ''}\` does not exist`, `${at}.location_id`);
  }
  if (state !== 'IN_STOCK') return refuse.refuse('INVALID_VALUE', `${at}.state must be IN_STOCK at the fake`, `${at}.state`);
  if (quantity === undefined || !QUANTITY.test(quantity)) return refuse.refuse('INVALID_VALUE', `${at}.quantity must be a decimal string with up to 5 places`, `${at}.quantity`);
  if (occurredAt === undefined || occurredMs === undefined) return refuse.refuse('MISSING_REQUIRED_PARAMETER', `${at}.occurred_at is required`, `${at}.occurred_at`);
  return { catalogObjectId, locationId, quantity, occurredAt };
}

/**
 * `POST /v2/inventory/changes/batch-create` (BatchChangeInventory, INVENTORY_WRITE): applies
 * PHYSICAL_COUNT changes to the seller's IN_STOCK counts and answers the current counts of what it
 * touched and the changes it made. `idempotency_key` (1..128) is required; a repeated key with the
 * same body answers the first answer again and changes nothing, with another body it is refused
 * (400 `IDEMPOTENCY_KEY_REUSED`). Every change is checked before any is applied.
 * @example
 * batchChangeInventory(context, request); // { counts: [{ catalog_object_id, location_id, quantity: '7', … }], changes: [...] }
 */
export function batchChangeInventory(context: V2Context, request: RecordedRequest): FakeAnswer {
  const text = request.text();
  const parsed = parseJsonBody(text);
  if ('refusal' in parsed) return parsed.refusal;
  const read = new BodyReader(parsed.body);
  const key = read.string('idempotency_key');
  if (read.refusal !== undefined) return read.refusal;
  if (key === undefined || key.length === 0 || key.length > 128) return invalidRequest('INVALID_VALUE', 'idempotency_key must be 1 to 128 characters', 'idempotency_key');
  const ledger = ledgerOf(context.merchant);
  const earlier = ledger.answers.get(key);
  if (earlier !== undefined) {
    return earlier.body === text ? earlier.answer : invalidRequest('IDEMPOTENCY_KEY_REUSED', 'The idempotency key was used with a different request', 'idempotency_key');
  }
  const raw = parsed.body['changes'];
  const list: unknown[] = Array.isArray(raw) ? raw : [];
  if (list.length > MAX_SQUARE_INVENTORY_CHANGES) return invalidRequest('VALUE_TOO_LONG', `changes holds at most ${MAX_SQUARE_INVENTORY_CHANGES}`, 'changes');
  const counts = list.map((value, index) => readChange(context, value, index, read));
  if (read.refusal !== undefined) return read.refusal;
  const applied: SquareInventoryCount[] = [];
  const changes = (counts as PhysicalCount[]).map((count) => {
    applied.push(context.merchant.inventory.set(count.catalogObjectId, count.locationId, count.quantity));
    ledger.changes += 1;
    const physical = {
      id: `FAKE-PC-${ledger.changes}`,
      catalog_object_id: count.catalogObjectId,
      catalog_object_type: 'ITEM_VARIATION',
      state: 'IN_STOCK',
      location_id: count.locationId,
      quantity: count.quantity,
      occurred_at: count.occurredAt,
      created_at: isoMs(context.now()),
    };
    return { type: 'PHYSICAL_COUNT', physical_count: physical };
  });
  const answer = squareJson({ counts: applied, changes });
  ledger.answers.set(key, { body: text, answer });
  return answer;
}
