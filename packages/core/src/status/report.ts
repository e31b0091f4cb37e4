import type { ConnectionRuntimes } from '../connections/index.js';
import type { ConnectorSummary, Project } from '../project/index.js';
import type { ConnectionRecord } from '../store/index.js';
import type { StatusStore } from './ports.js';
import { streamStatuses, type StreamStatus } from './streams.js';

/** One connection's HTTP runtime as the running daemon sees it. */
export interface ConnectionReport {
  readonly connector: string;
  readonly id: string;
  readonly tenant: string;
  /** `unavailable` when the connection could not be set up (see `error`). */
  readonly state: 'ready' | 'unavailable';
  /** Circuit breaker: closed (calls flow), open (failing fast until `probeAt`), half_open (one probe). */
  readonly breaker?: 'closed' | 'open' | 'half_open';
  readonly probeAt?: string;
  readonly error?: string;
  /** The stored lifecycle status: `needs_reauth` until the tenant reconnects, `disabled` by the admin API. */
  readonly status?: ConnectionRecord['status'];
  readonly statusReason?: string;
}

/** What `connectd status` and `GET /api/status` report. It holds no secret by construction. */
export interface StatusReport {
  readonly version: string;
  readonly source: 'daemon' | 'local';
  readonly store: { readonly kind: string; readonly ready: boolean; readonly error?: string };
  readonly connectors: readonly ConnectorSummary[];
  /** Live connection runtimes; only the running daemon knows them. */
  readonly connections: readonly ConnectionReport[];
  /** Per connection and stream: last run, next run, checkpoint, dead letters. */
  readonly streams: readonly StreamStatus[];
  /** The app's endpoints (`destinations:`): active, idle (a variable is missing) or disabled (410), with their queue. */
  readonly destinations?: readonly DestinationStatus[];
  /** The config the running daemon runs and its last reload; only the daemon reports it. */
  readonly config?: ConfigReport;
}

/** The outcome of one config reload: swapped in, refused (the old config keeps running), or the same text. */
export interface ReloadReport {
  readonly at: string;
  readonly outcome: 'applied' | 'refused' | 'unchanged';
  /** Why it was refused, one line per problem as `connectd validate` prints them, scrubbed of secrets. */
  readonly errors?: readonly string[];
}

/** The running daemon's config: its file, its revision (first 12 hex digits of the text's sha256), when it was loaded, and the last reload. */
export interface ConfigReport {
  readonly path: string;
  readonly revision: string;
  readonly loadedAt: string;
  readonly lastReload?: ReloadReport;
}

/** One destination of outbound events (the shape destinations/ reports). */
export interface DestinationStatus {
  readonly name: string;
  readonly state: 'active' | 'idle' | 'disabled';
  readonly reason?: string | undefined;
  readonly pending: number;
  readonly dead: number;
}

/** What a running engine adds to the report: its runtimes and the scheduler's next runs. */
export interface EngineView {
  readonly runtimes: ConnectionRuntimes;
  nextRun(connectionId: string, stream: string): Date | null | undefined;
}

function connectionStatuses(runtimes: ConnectionRuntimes, stored: readonly ConnectionRecord[]): ConnectionReport[] {
  const records = new Map(stored.map((r) => [r.id, r]));
  const lifecycle = (id: string): Pick<ConnectionReport, 'status' | 'statusReason'> => {
    const record = records.get(id);
    if (record === undefined) return {};
    return { status: record.status, ...(record.statusReason === null ? {} : { statusReason: record.statusReason }) };
  };
  const ready = runtimes.all().map((r): ConnectionReport => {
    const stats = r.client.stats();
    return {
      connector: r.connector,
      id: r.connection.id,
      tenant: r.connection.tenant,
      state: 'ready',
      breaker: stats.breaker,
      ...(stats.probeAt === undefined ? {} : { probeAt: stats.probeAt }),
      ...lifecycle(r.connection.id),
    };
  });
  const unavailable = runtimes.unavailable().map(
    (u): ConnectionReport => ({
      connector: u.connector,
      id: u.connectionId,
      tenant: records.get(u.connectionId)?.tenantId ?? '',
      state: 'unavailable',
      error: `${u.code}: ${u.reason}`,
      ...lifecycle(u.connectionId),
    }),
  );
  return [...ready, ...unavailable];
}

/**
 * The status of a project and its store: connectors, the engine's connections (when one runs),
 * and per stream its last run, next run, checkpoint and dead letters.
 * @example
 * const report = await buildStatus(project, statusStore, version, { runtimes, nextRun });
 */
export async function buildStatus(project: Project, store: StatusStore, version: string, engine?: EngineView): Promise<StatusReport> {
  const ready = await store.isReady().catch(() => false);
  const ids = new Map<string, string[]>();
  for (const runtime of engine?.runtimes.all() ?? []) ids.set(runtime.connector, [...(ids.get(runtime.connector) ?? []), runtime.connection.id]);
  const stored = ready ? await store.connections().catch(() => []) : [];
  // Without a daemon, the connections are the store's: those made through consent or the admin
  // API as well as the declared ones.
  if (engine === undefined) {
    for (const record of stored) {
      if (!project.isActive(record.connector)) continue;
      const known = ids.get(record.connector) ?? project.declaredConnections(record.connector).map((c) => c.id);
      ids.set(record.connector, known.includes(record.id) ? known : [...known, record.id]);
    }
  }
  for (const summary of project.summaries()) if (summary.state === 'idle') ids.set(summary.name, []);
  return {
    version,
    source: 'daemon',
    store: { kind: store.kind, ready },
    connectors: project.summaries(),
    connections: engine === undefined ? [] : connectionStatuses(engine.runtimes, stored),
    streams: ready ? await streamStatuses(project, store, ids, engine === undefined ? undefined : (c, s) => engine.nextRun(c, s)) : [],
  };
}
