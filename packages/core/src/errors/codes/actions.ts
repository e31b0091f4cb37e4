import { defineError } from '../define-error.js';

// Errors of declarative actions. Codes are never reused once retired; add new ones at the end.
// Messages never carry a credential; a vendor's error body is passed on truncated, in details only
// (the message quotes at most a short summary of the vendor's own error text).

/** One problem of an action definition, relative to `connectors.<c>.actions.<a>`. */
export interface ActionDefinitionIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly code: string;
  readonly message: string;
}

/** One field error of an action input; `path` is a JSON pointer into the input (`/line_items/0/quantity`). */
export interface ActionInputFieldError {
  readonly path: string;
  readonly message: string;
}

export const ACTION_DEFINITION_INVALID = defineError<{ connector: string; action: string; issues: readonly ActionDefinitionIssue[] }>({
  code: 'CONNECTD_ERR_ACTION_DEFINITION_INVALID',
  exitCode: 2,
  meaning: 'An action in connectors.yaml cannot be compiled: its input_schema, a JSONata expression (body, map, lookup records) or its idempotency is unusable.',
  fix: 'Fix the keys the issues name (`connectd validate` lists them with their line); see the actions section of docs/config-reference.md.',
  message: (d) => `action ${d.connector}.${d.action} is invalid: ${d.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
});

export const ACTION_INPUT_INVALID = defineError<{ connector: string; action: string; errors: readonly ActionInputFieldError[] }>({
  code: 'CONNECTD_ERR_ACTION_INPUT_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning: "The input of an action does not satisfy the action's input_schema; nothing was sent to the vendor.",
  fix: 'Correct the fields listed in details.errors (JSON pointers into the input) and run the action again.',
  message: (d) => `input of action ${d.connector}.${d.action} is invalid: ${d.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
});

export const ACTION_BODY_INVALID = defineError<{ connector: string; action: string; reason: string }>({
  code: 'CONNECTD_ERR_ACTION_BODY_INVALID',
  exitCode: 2,
  httpStatus: 422,
  meaning: "An action's request body could not be built from its input (the body expression failed or gave no object, or the idempotency key field is missing); nothing was sent.",
  fix: "Check the input against the action's request.body expression and idempotency.key; require the key's source field in input_schema.",
  message: (d) => `cannot build the request of action ${d.connector}.${d.action}: ${d.reason}; nothing was sent`,
});

export const ACTION_VENDOR_REJECTED = defineError<{
  connector: string;
  action: string;
  stage: 'request' | 'lookup';
  status: number;
  /** The vendor's error body: parsed JSON, or text cut to 1,000 characters. */
  vendorError: unknown;
  summary?: string | undefined;
}>({
  code: 'CONNECTD_ERR_ACTION_VENDOR_REJECTED',
  exitCode: 2,
  httpStatus: 422,
  meaning: 'The vendor refused an action (or its idempotency lookup) with a client error such as 400, 403, 404 or 409; it is not retried, because the same request would be refused again.',
  fix: "Read details.status and details.vendorError (the vendor's own answer), correct the input or the action's request, and run it again.",
  message: (d) =>
    `vendor refused ${d.stage === 'lookup' ? 'the idempotency lookup of ' : ''}action ${d.connector}.${d.action} with status ${d.status}` +
    (d.summary === undefined ? '' : `: ${d.summary}`),
});

export const ACTION_FAILED = defineError<{
  connector: string;
  action: string;
  attempts: number;
  reason: string;
  status?: number | undefined;
}>({
  code: 'CONNECTD_ERR_ACTION_FAILED',
  httpStatus: 502,
  meaning: 'An action kept failing with temporary errors (network errors, timeouts, 429 or 5xx, an open circuit breaker) until its attempts ran out; it is safe to run again, since its idempotency finds an earlier success.',
  fix: 'Nothing, usually: the action job is retried later. If it keeps failing, check the vendor status and the log lines of each attempt.',
  message: (d) =>
    `action ${d.connector}.${d.action} failed after ${d.attempts} attempt(s); last: ${d.status === undefined ? d.reason : `status ${d.status}`}`,
});

export const ACTION_OUTCOME_UNKNOWN = defineError<{
  connector: string;
  action: string;
  attempts: number;
  reason: string;
  status?: number | undefined;
}>({
  code: 'CONNECTD_ERR_ACTION_OUTCOME_UNKNOWN',
  exitCode: 2,
  httpStatus: 502,
  meaning: 'An action without idempotency (no idempotency.header or idempotency.lookup) failed in a way that leaves open whether the vendor carried it out (timeout, dropped connection, 5xx); it was not repeated, since a blind retry could do it twice.',
  fix: 'Check at the vendor whether it happened before running it again; declare idempotency (a lookup, or a header the vendor dedupes on) so connectd can retry it safely.',
  message: (d) =>
    `action ${d.connector}.${d.action} may or may not have been carried out (last: ${d.status === undefined ? d.reason : `status ${d.status}`}); ` +
    'it declares no idempotency, so it was not repeated: check at the vendor before running it again',
});

export const ACTION_LOOKUP_UNREADABLE = defineError<{ connector: string; action: string; reason: string }>({
  code: 'CONNECTD_ERR_ACTION_LOOKUP_UNREADABLE',
  exitCode: 2,
  httpStatus: 502,
  meaning: "The answer to an action's idempotency lookup holds no list of matches where the action says (the body is not a list and no lookup.records path finds one), so connectd cannot tell whether the action already happened; nothing was sent.",
  fix: 'Set idempotency.lookup.records to the JSONata path of the list in the lookup response (e.g. `$.orders`), or `$` when the response is the one match itself.',
  message: (d) => `cannot read the idempotency lookup of action ${d.connector}.${d.action}: ${d.reason}; nothing was sent`,
});

export const ACTION_RESULT_MAP_FAILED = defineError<{
  connector: string;
  action: string;
  outcome: 'created' | 'existing';
  status: number;
  reason: string;
}>({
  code: 'CONNECTD_ERR_ACTION_RESULT_MAP_FAILED',
  exitCode: 2,
  httpStatus: 502,
  meaning: "The vendor carried out an action (or had already), but the action's `map` failed on its answer, so no result could be returned.",
  fix: "Fix the action's map expression against the vendor's response; the action itself is done and must not be repeated by hand (an idempotent action finds it again).",
  message: (d) =>
    `action ${d.connector}.${d.action} was carried out (${d.outcome}, status ${d.status}) but its map failed: ${d.reason}`,
});

export const ACTION_NOT_FOUND = defineError<{ connector: string; action: string; known: readonly string[]; suggestion?: string | undefined }>({
  code: 'CONNECTD_ERR_ACTION_NOT_FOUND',
  exitCode: 2,
  httpStatus: 404,
  meaning: 'An action is invoked by a connector and action name the config does not declare.',
  fix: 'Use one of the action names listed in the message (see `connectd validate`).',
  message: (d) =>
    `connector "${d.connector}" has no action "${d.action}"${d.suggestion === undefined ? '' : `. Did you mean "${d.suggestion}"?`}; ` +
    `known: ${d.known.length === 0 ? 'none' : d.known.join(', ')}`,
});
