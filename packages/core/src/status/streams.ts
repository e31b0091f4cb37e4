import { nextRun } from '../jobs/index.js';
import type { Project } from '../project/index.js';
import type { StatusStore } from './ports.js';

/** One stream of one connection, as status shows it. */
export interface StreamStatus {
  readonly connector: string;
  readonly connection: string;
  readonly stream: string;
  readonly lastRun: {
    readonly startedAt: string;
    readonly finishedAt: string | null;
    readonly records: number;
    readonly pages: number;
    readonly result: string;
    readonly error: string | null;
  } | null;
  readonly nextRun: string | null;
  readonly checkpoint: { readonly highWaterMark: string | null; readonly resuming: boolean } | null;
  readonly deadLetters: number;
}

/**
 * Per connection and stream: last run, next scheduled run, checkpoint and open dead letters.
 * `connectionIds` are the connections to show per connector (a running engine's); connectors
 * without an entry show their declared connections. `next` gives the scheduler's view when a
 * daemon runs; otherwise the schedule's next time is used.
 */
export async function streamStatuses(
  project: Project,
  store: StatusStore,
  connectionIds: ReadonlyMap<string, readonly string[]>,
  next?: (connectionId: string, stream: string) => Date | null | undefined,
): Promise<StreamStatus[]> {
  const pairs = project.connectorNames().flatMap((connector) =>
    (connectionIds.get(connector) ?? project.declaredConnections(connector).map((c) => c.id)).flatMap((connection) =>
      Object.entries(project.connector(connector).streams ?? {}).map(([stream, declaration]) => ({ connector, connection, stream, schedule: declaration.schedule })),
    ),
  );
  if (pairs.length === 0) return [];
  const ids = [...new Set(pairs.map((p) => p.connection))];
  const runs = await store.lastRuns(ids);
  const letters = await store.deadLetterCounts(ids);
  return Promise.all(
    pairs.map(async (pair): Promise<StreamStatus> => {
      const run = runs.find((r) => r.connectionId === pair.connection && r.stream === pair.stream);
      const checkpoint = await store.checkpoint(pair.connection, pair.stream);
      const upcoming = next?.(pair.connection, pair.stream) ?? (pair.schedule === undefined ? null : nextRun(pair.schedule));
      return {
        connector: pair.connector,
        connection: pair.connection,
        stream: pair.stream,
        lastRun:
          run === undefined
            ? null
            : {
                startedAt: run.startedAt.toISOString(),
                finishedAt: run.finishedAt?.toISOString() ?? null,
                records: run.records,
                pages: run.pages,
                result: run.result,
                error: run.error,
              },
        nextRun: upcoming === null || upcoming === undefined ? null : upcoming.toISOString(),
        checkpoint: checkpoint === undefined ? null : { highWaterMark: checkpoint.highWaterMark, resuming: checkpoint.cursor !== null && checkpoint.cursor !== undefined },
        deadLetters: letters.filter((l) => l.connectionId === pair.connection && l.stream === pair.stream).reduce((n, l) => n + l.count, 0),
      };
    }),
  );
}
