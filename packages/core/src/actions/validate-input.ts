import type { CompiledAction } from './types.js';

/**
 * Checks an action's input before it is queued, so a caller hears about bad input at once (400)
 * instead of from a failed job. Returns the checked copy, schema defaults filled in; throws
 * CONNECTD_ERR_ACTION_INPUT_INVALID (exit code 2, HTTP 400) with `details.errors`, every field
 * error at once as `{ path: '/line_items/0/quantity', message }`.
 * @example
 * validateActionInput(action, { customer_email: 'a@example.com', line_items: [] });
 * // throws: details.errors = [{ path: '/external_id', message: 'is required' }, { path: '/line_items', message: 'must NOT have fewer than 1 items' }]
 */
export function validateActionInput(action: CompiledAction, input: unknown): unknown {
  return action.checkInput(input);
}
