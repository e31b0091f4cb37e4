/**
 * actions/: declarative outbound operations (create an order, create a product). An action is
 * compiled once at load (`compileAction`) and run per invocation (`runAction`); the job kind, the
 * admin route and the CLI that invoke it live in the daemon.
 */
export { compileAction } from './compile-action.js';
export type { CompileActionOptions } from './compile-action.js';
export { compileInputValidator } from './input.js';
export type { InputValidator } from './input.js';
export {
  DEFAULT_ACTION_BASE_DELAY_MS,
  DEFAULT_ACTION_MAX_ATTEMPTS,
  DEFAULT_ACTION_MAX_DELAY_MS,
  DEFAULT_ACTION_MAX_WAIT_MS,
  runAction,
} from './run-action.js';
export type { ActionRunOptions } from './run-action.js';
export type {
  ActionConnection,
  ActionDeclaration,
  ActionResult,
  CompiledAction,
  IdempotencyDeclaration,
  LookupDeclaration,
  PreparedAction,
} from './types.js';
export { validateActionInput } from './validate-input.js';
export { readVendorError, VENDOR_ERROR_JSON_MAX_BYTES, VENDOR_ERROR_SUMMARY_MAX_CHARS, VENDOR_ERROR_TEXT_MAX_CHARS } from './vendor-error.js';
export type { VendorError } from './vendor-error.js';
