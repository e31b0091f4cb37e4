import type { FastifyInstance } from 'fastify';
import { parseChangesQuery, readChanges } from '../../changes/index.js';
import type { Database } from '../../store/index.js';

/**
 * `GET /changes?after=POSITION&entity=NAME&limit=N` for the admin API scope (so `/api/changes`,
 * behind the admin token): the changes after a position, in order, at most `limit` (default 100,
 * capped at 1000), and `next`, the position to ask after next time. 400
 * (CONNECTD_ERR_CHANGES_QUERY_INVALID) for a parameter that is not a number or an entity name.
 * @example
 * // curl -H "authorization: Bearer $CONNECTD_ADMIN_TOKEN" 'http://localhost:3000/api/changes?after=0&entity=inventory_level'
 */
export function changesRoutes(db: Database): (api: FastifyInstance) => void {
  return (api) => {
    api.get('/changes', async (request) => {
      const query = parseChangesQuery(request.query as Record<string, unknown>);
      const changes = await readChanges(db, query);
      return { changes, next: changes.length === 0 ? query.after : changes[changes.length - 1]!.position };
    });
  };
}
