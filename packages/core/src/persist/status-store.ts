import type { StatusStore } from '../status/index.js';
import { countDeadLetters, lastRuns, listConnections, readCheckpoint, type Store } from '../store/index.js';

/**
 * Status over the store's repositories.
 * @example
 * const report = await buildStatus(project, createStatusStore(store), version);
 */
export function createStatusStore(store: Store): StatusStore {
  return {
    kind: store.db.kind,
    isReady: () => store.isReady(),
    connections: () => listConnections(store.db),
    lastRuns: (connectionIds) => lastRuns(store.db, { connectionIds }),
    deadLetterCounts: (connectionIds) => countDeadLetters(store.db, { connectionIds }),
    checkpoint: (connectionId, stream) => readCheckpoint(store.db, connectionId, stream),
  };
}
