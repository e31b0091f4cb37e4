import { defineError } from '../define-error.js';

// Errors of the change feed (changes/) and of flows (flows/). Codes are never reused once retired;
// add new ones at the end. Messages name flows, positions and parameters, never entity data.

export const CHANGES_QUERY_INVALID = defineError<{ parameter: string; value: string; expected: string }>({
  code: 'CONNECTD_ERR_CHANGES_QUERY_INVALID',
  httpStatus: 400,
  meaning: 'A parameter of `GET /api/changes` has a value the feed cannot read (a position or limit that is not a whole number, an entity name that is not one).',
  fix: 'Send `after` as the last position you read (0 for the start), `limit` from 1 to 1000, and `entity` as an entity name such as `inventory_level`.',
  message: (d) => `query parameter "${d.parameter}" is ${JSON.stringify(d.value)}; expected ${d.expected}`,
});

export const FLOWS_CONNECTION_NOT_FOUND = defineError<{ flow: string; position: number; connector: string; tenant: string }>({
  code: 'CONNECTD_ERR_FLOWS_CONNECTION_NOT_FOUND',
  meaning: "A flow's change has no target connection: the tenant of the change has no active connection of the flow's `then.connector` (or not the one `then.connection` names). The change is a dead letter of the flow.",
  fix: "Connect the tenant to the target connector (`connectd connect`), or correct the flow's `then.connection`; then `connectd replay` the dead letter.",
  message: (d) => `flow "${d.flow}": change ${d.position} of tenant "${d.tenant}" has no active connection of connector "${d.connector}"`,
});

export const FLOWS_INPUT_FAILED = defineError<{ flow: string; position: number; reason: string }>({
  code: 'CONNECTD_ERR_FLOWS_INPUT_FAILED',
  meaning: "A flow's `then.input` expression failed on a change, or gave something that is not one JSON object. The change is a dead letter of the flow.",
  fix: "Correct `then.input` (it is evaluated over the change: `after`, `before`, `key`, `tenant`, …), then `connectd replay` the dead letter.",
  message: (d) => `flow "${d.flow}": the input of change ${d.position} could not be built: ${d.reason}`,
});
