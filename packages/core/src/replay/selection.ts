import { REPLAY_INVALID_REQUEST, REPLAY_NO_SELECTION } from '../errors/index.js';

/** Which dead letters to replay: by id, by connector, or all; ids and connector combine. */
export interface ReplaySelection {
  readonly connector?: string | undefined;
  readonly ids?: readonly string[] | undefined;
  readonly all?: boolean | undefined;
}

const ID = /^[1-9][0-9]{0,18}$/;
const FIELDS = ['connector', 'ids', 'all'];

/**
 * Checks a replay request (CLI options or the API's JSON body). Throws CONNECTD_ERR_REPLAY_NO_SELECTION
 * when it names nothing and CONNECTD_ERR_REPLAY_INVALID_REQUEST for a malformed field (both exit 2 / 400).
 * @example
 * parseReplaySelection({ ids: ['12', 13] }); // { ids: ['12', '13'] }
 */
export function parseReplaySelection(input: unknown): ReplaySelection {
  if (input === undefined || input === null) throw REPLAY_NO_SELECTION({});
  if (typeof input !== 'object' || Array.isArray(input)) throw REPLAY_INVALID_REQUEST({ reason: 'expected a JSON object' });
  const body = input as Record<string, unknown>;
  const unknown = Object.keys(body).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) throw REPLAY_INVALID_REQUEST({ reason: `unknown field ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}` });
  const { connector, ids, all } = body;
  if (connector !== undefined && (typeof connector !== 'string' || connector === '')) throw REPLAY_INVALID_REQUEST({ reason: 'connector must be a non-empty string' });
  if (all !== undefined && typeof all !== 'boolean') throw REPLAY_INVALID_REQUEST({ reason: 'all must be true or false' });
  let checked: string[] | undefined;
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.length === 0) throw REPLAY_INVALID_REQUEST({ reason: 'ids must be a non-empty list' });
    checked = ids.map((id: unknown) => (typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id)).filter((id): id is string => typeof id === 'string' && ID.test(id));
    if (checked.length !== ids.length) throw REPLAY_INVALID_REQUEST({ reason: 'ids must be dead-letter ids (positive integers)' });
  }
  if (checked === undefined && connector === undefined && all !== true) throw REPLAY_NO_SELECTION({});
  return { ...(connector === undefined ? {} : { connector }), ...(checked === undefined ? {} : { ids: checked }), ...(all === true ? { all } : {}) };
}
