/**
 * actions/: declarative outbound operations (create an order, create a product). An action is
 * compiled once at load (`compileAction`), invoked as a durable job (`invokeAction`, the `action`
 * job kind) and run per attempt (`runAction`); the admin route and the CLI only parse and delegate.
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
export {
  ACTION_CLAIM_GRACE_MS,
  ACTION_JOB_KIND,
  ACTION_JOB_MAX_ATTEMPTS,
  DEFAULT_ACTION_WAIT_MS,
  actionJobHandler,
  invokeAction,
  readActionPayload,
} from './invoke.js';
export type { ActionInvocation, ActionJobDeps, ActionJobPayload, InvocationDeps } from './invoke.js';
