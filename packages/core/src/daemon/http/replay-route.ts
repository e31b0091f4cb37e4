import type { FastifyInstance } from 'fastify';
import { parseReplaySelection, type DeadLetterReplayer } from '../../replay/index.js';

/**
 * `POST /dead-letters/replay` for the admin API scope (so `/api/dead-letters/replay`, behind the
 * admin token). Body `{ connector?, ids?: string[], all?: boolean }`; answers 200 with the
 * replay's counts, 400 (CONNECTD_ERR_REPLAY_NO_SELECTION or _INVALID_REQUEST) for a body that
 * names nothing or is malformed.
 * @example
 * buildHttpServer({ ..., apiRoutes: [replayRoute(replayer)] });
 * // curl -X POST -H "authorization: Bearer $CONNECTD_ADMIN_TOKEN" -H 'content-type: application/json' \
 * //   -d '{"connector":"storq"}' http://localhost:3000/api/dead-letters/replay
 */
export function replayRoute(replayer: DeadLetterReplayer): (api: FastifyInstance) => void {
  return (api) => {
    api.post('/dead-letters/replay', async (request) => replayer.replay(parseReplaySelection(request.body)));
  };
}
