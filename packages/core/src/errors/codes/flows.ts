import { defineError } from '../define-error.js';

// Errors of flows (flows/): rules that run an action on one connector when an entity changes.
// CONNECTD_ERR_FLOWS_CONNECTION_NOT_FOUND and _INPUT_FAILED are declared with the change feed's
// codes (codes/changes.ts). Codes are never reused once retired; add new ones at the end. Messages
// name flows, positions, connectors and actions, never entity data.

export const FLOWS_UNKNOWN_TARGET = defineError<{ flow: string; what: 'connector' | 'action'; name: string; known: string }>({
  code: 'CONNECTD_ERR_FLOWS_UNKNOWN_TARGET',
  exitCode: 2,
  meaning: 'A flow names a connector (in `when.connector` or `then.connector`) or an action (`then.action`) that the config does not declare.',
  fix: 'Correct the name (the message lists what is declared and suggests the nearest), or declare the action under the connector (a preset may add it).',
  message: (d) => `flow "${d.flow}": unknown ${d.what} "${d.name}"; declared: ${d.known}`,
});

export const FLOWS_NOT_FOUND = defineError<{ flow: string; known: string }>({
  code: 'CONNECTD_ERR_FLOWS_NOT_FOUND',
  exitCode: 2,
  meaning: 'A flow job names a flow the current config no longer declares (it was renamed or removed after the job was queued). The job is a dead letter.',
  fix: 'Declare the flow again under `flows:` and `connectd replay` the dead letter, or leave the letter if the flow was removed on purpose.',
  message: (d) => `flow "${d.flow}" is not declared (declared: ${d.known})`,
});

export const FLOWS_FILTER_FAILED = defineError<{ flow: string; position: number; reason: string }>({
  code: 'CONNECTD_ERR_FLOWS_FILTER_FAILED',
  exitCode: 2,
  meaning: "A flow's `when.filter` expression failed on a change (a type error, say). The change is a dead letter of the flow rather than silently skipped.",
  fix: 'Correct `when.filter` (it is evaluated over the change: `after`, `before`, `operation`, `changed`, `tenant`, …), then `connectd replay` the dead letter.',
  message: (d) => `flow "${d.flow}": the filter failed on change ${d.position}: ${d.reason}`,
});

export const FLOWS_CONNECTION_AMBIGUOUS = defineError<{ flow: string; position: number; connector: string; tenant: string; connections: string }>({
  code: 'CONNECTD_ERR_FLOWS_CONNECTION_AMBIGUOUS',
  exitCode: 2,
  meaning: "A flow with `then.connection: tenant` found several active connections of its target connector for the change's tenant, and will not guess. The change is a dead letter of the flow.",
  fix: 'Name the connection: `then.connection: { id: <connection id> }`, then `connectd replay` the dead letter.',
  message: (d) => `flow "${d.flow}": change ${d.position} of tenant "${d.tenant}" has several connections of connector "${d.connector}" (${d.connections}); name one in then.connection`,
});

export const FLOWS_ACTION_REFUSED = defineError<{
  flow: string;
  position: number;
  connector: string;
  action: string;
  status: number;
  /** The vendor's error body, as the action runtime read it (JSON, or text cut to 1,000 characters). */
  vendorError: unknown;
}>({
  code: 'CONNECTD_ERR_FLOWS_ACTION_REFUSED',
  exitCode: 2,
  meaning: "The vendor refused a flow's action with a client error (400, 403, 404, 422, …). It is not retried, because the same request would be refused again; the change is a dead letter of the flow, with the vendor's answer.",
  fix: "Read the vendor's error in the dead letter's reason, correct the data (or `then.input`), then `connectd replay` the dead letter.",
  message: (d) => `flow "${d.flow}": ${d.connector}.${d.action} for change ${d.position} was refused with status ${d.status}: ${vendorText(d.vendorError)}`,
});

/** Longest vendor error quoted in a message (the dead letter's reason), in characters. */
const VENDOR_TEXT_MAX_CHARS = 500;

function vendorText(body: unknown): string {
  const text = body === null || body === undefined ? '(empty body)' : typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > VENDOR_TEXT_MAX_CHARS ? `${text.slice(0, VENDOR_TEXT_MAX_CHARS)}…` : text;
}
