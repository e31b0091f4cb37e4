import { CHANGES_QUERY_INVALID } from '../errors/index.js';
import { CHANGES_PAGE_LIMIT_MAX, type ReadChangesOptions } from './read-changes.js';

/** How many changes `GET /api/changes` returns when the caller names no `limit`. */
export const CHANGES_PAGE_LIMIT_DEFAULT = 100;

// Entity names as the catalog allows them (mapping/table-name.ts), checked here without importing it.
const ENTITY_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const WHOLE_NUMBER = /^\d{1,15}$/;

/**
 * Reads the query of `GET /api/changes` (`after`, `entity`, `limit`, each optional): `after` a
 * position (default 0), `limit` from 1 (a larger one is capped at {@link CHANGES_PAGE_LIMIT_MAX}).
 * @throws CONNECTD_ERR_CHANGES_QUERY_INVALID for a value that is not one
 * @example
 * parseChangesQuery({ after: '42', entity: 'inventory_level' }); // { after: 42, entity: 'inventory_level', limit: 100 }
 */
export function parseChangesQuery(query: Readonly<Record<string, unknown>>): ReadChangesOptions {
  const after = single(query, 'after');
  const limit = single(query, 'limit');
  const entity = single(query, 'entity');
  if (after !== undefined && !WHOLE_NUMBER.test(after)) throw CHANGES_QUERY_INVALID({ parameter: 'after', value: after, expected: 'a position, a whole number from 0' });
  if (limit !== undefined && (!WHOLE_NUMBER.test(limit) || Number(limit) < 1)) {
    throw CHANGES_QUERY_INVALID({ parameter: 'limit', value: limit, expected: `a whole number from 1 to ${CHANGES_PAGE_LIMIT_MAX}` });
  }
  if (entity !== undefined && !ENTITY_NAME.test(entity)) throw CHANGES_QUERY_INVALID({ parameter: 'entity', value: entity, expected: 'an entity name such as inventory_level' });
  return {
    after: after === undefined ? 0 : Number(after),
    limit: limit === undefined ? CHANGES_PAGE_LIMIT_DEFAULT : Math.min(Number(limit), CHANGES_PAGE_LIMIT_MAX),
    ...(entity === undefined ? {} : { entity }),
  };
}

function single(query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw CHANGES_QUERY_INVALID({ parameter: name, value: String(value), expected: 'the parameter once' });
  return value;
}
