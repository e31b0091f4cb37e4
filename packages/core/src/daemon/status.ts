import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { listConnections, openStore, type ConnectionRecord, type Store } from '../store/index.js';
import { coreVersion } from '../connector/index.js';
import { loadProject, type Project } from './project.js';
import type { DaemonSettings } from './settings.js';
import type { ConnectionRuntimes } from './connection-runtimes.js';
import type { Engine } from './engine.js';
import { streamStatuses, type StreamStatus } from './stream-status.js';

/** How long `connectd status` waits for a running daemon before reading the store itself. */
export const STATUS_DAEMON_TIMEOUT_MS = 1_500;

export interface ConnectorStatus {
  readonly name: string;
  readonly state: 'active' | 'idle';
  /** Names of missing env variables (never values). */
  readonly missing: readonly string[];
  readonly streams: readonly string[];
  readonly webhookEvents: readonly string[];
  readonly actions: readonly string[];
}

/** One connection's HTTP runtime as the running daemon sees it. */
export interface ConnectionStatus {
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
  readonly connectors: readonly ConnectorStatus[];
  /** Live connection runtimes; only the running daemon knows them. */
  readonly connections: readonly ConnectionStatus[];
  /** Per connection and stream: last run, next run, checkpoint, dead letters. */
  readonly streams: readonly StreamStatus[];
}

function connectionStatuses(runtimes: ConnectionRuntimes | undefined, stored: readonly ConnectionRecord[]): ConnectionStatus[] {
  if (runtimes === undefined) return [];
  const records = new Map(stored.map((r) => [r.id, r]));
  const lifecycle = (id: string): Pick<ConnectionStatus, 'status' | 'statusReason'> => {
    const record = records.get(id);
    if (record === undefined) return {};
    return { status: record.status, ...(record.statusReason === null ? {} : { statusReason: record.statusReason }) };
  };
  const ready = runtimes.all().map((r): ConnectionStatus => {
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
    (u): ConnectionStatus => ({ connector: u.connector, id: u.connectionId, tenant: records.get(u.connectionId)?.tenantId ?? '', state: 'unavailable', error: `${u.code}: ${u.reason}`, ...lifecycle(u.connectionId) }),
  );
  return [...ready, ...unavailable];
}

function connectorStatuses(project: Project): ConnectorStatus[] {
  const idle = new Map(project.idleConnectors.map((c) => [c.connector, c]));
  return Object.entries(project.config.connectors ?? {}).map(([name, connector]) => {
    const missing = [...new Set((idle.get(name)?.missing ?? []).map((m) => m.variable))];
    return {
      name,
      state: idle.has(name) ? 'idle' : 'active',
      missing,
      streams: Object.keys(connector.streams ?? {}),
      webhookEvents: Object.keys(connector.webhooks?.events ?? {}),
      actions: Object.keys(connector.actions ?? {}),
    };
  });
}

/** The status of a project and its store (used by the daemon's `/api/status`). */
export async function buildStatus(project: Project, store: Store, version: string, engine?: Engine): Promise<StatusReport> {
  const ready = await store.isReady().catch(() => false);
  const ids = new Map<string, string[]>();
  for (const runtime of engine?.runtimes.all() ?? []) ids.set(runtime.connector, [...(ids.get(runtime.connector) ?? []), runtime.connection.id]);
  for (const name of project.idleConnectors.map((c) => c.connector)) ids.set(name, []);
  return {
    version,
    source: 'daemon',
    store: { kind: store.db.kind, ready },
    connectors: connectorStatuses(project),
    connections: connectionStatuses(engine?.runtimes, ready ? await listConnections(store.db).catch(() => []) : []),
    streams: ready ? await streamStatuses(project, store, ids, engine === undefined ? undefined : (c, s) => engine.scheduler.nextRun(c, s)) : [],
  };
}

async function askDaemon(settings: DaemonSettings): Promise<StatusReport | undefined> {
  if (settings.adminToken === undefined) return undefined;
  try {
    const response = await fetch(`http://127.0.0.1:${settings.port}/api/status`, {
      headers: { authorization: `Bearer ${settings.adminToken}` },
      signal: AbortSignal.timeout(STATUS_DAEMON_TIMEOUT_MS),
    });
    if (!response.ok) return undefined;
    return (await response.json()) as StatusReport;
  } catch {
    return undefined;
  }
}

/**
 * The status as `connectd status` shows it: from the running daemon when one answers on PORT with
 * the admin token, otherwise read from the config and the store directly.
 */
export async function readStatus(options: {
  configPath: string;
  env: Readonly<Record<string, string | undefined>>;
  settings: DaemonSettings;
}): Promise<StatusReport> {
  const fromDaemon = await askDaemon(options.settings);
  if (fromDaemon !== undefined) return fromDaemon;
  const project = await loadProject(options.configPath, options.env);
  const version = coreVersion();
  let store: Store | undefined;
  try {
    store = await openStore({
      databaseUrl: options.settings.databaseUrl,
      dataDir: options.settings.dataDir,
      log: createLogger({ level: 'silent' }),
    });
    return { ...(await buildStatus(project, store, version)), source: 'local' };
  } catch (err) {
    const error = isConnectdError(err) ? `${err.code}: ${err.message}` : 'store unavailable';
    const kind = options.settings.databaseUrl === undefined ? 'pglite' : 'postgres';
    return { version, source: 'local', store: { kind, ready: false, error }, connectors: connectorStatuses(project), connections: [], streams: [] };
  } finally {
    await store?.close();
  }
}

/** Human lines for a status report. */
export function formatStatus(status: StatusReport): string[] {
  const storeLine = `store: ${status.store.kind}, ${status.store.ready ? 'ready' : 'not ready'}${status.store.error ? ` (${status.store.error})` : ''}`;
  const width = Math.max(9, ...status.connectors.map((c) => c.name.length));
  const rows = status.connectors.map((c) => {
    const detail =
      c.state === 'idle'
        ? `missing ${c.missing.join(', ')}`
        : `streams: ${c.streams.join(', ') || '-'}; webhook events: ${c.webhookEvents.join(', ') || '-'}; actions: ${c.actions.join(', ') || '-'}`;
    return `${c.name.padEnd(width)}  ${c.state.padEnd(6)}  ${detail}`;
  });
  const connections = status.connections.map(
    (c) =>
      `  ${`${c.connector}:${c.id}`.padEnd(width)}  ${c.status !== undefined && c.status !== 'active' ? `${c.status}${c.statusReason ? ` (${c.statusReason})` : ''}; ` : ''}${c.state === 'ready' ? `breaker ${c.breaker ?? 'closed'}${c.probeAt ? ` (probe at ${c.probeAt})` : ''}` : `unavailable: ${c.error ?? ''}`}`,
  );
  return [
    `connectd ${status.version} (${status.source === 'daemon' ? 'from the running daemon' : 'read locally'})`,
    storeLine,
    '',
    `${'connector'.padEnd(width)}  state   details`,
    ...rows,
    ...(connections.length > 0 ? ['', 'connections:', ...connections] : []),
    ...(status.streams.length > 0 ? ['', 'streams:', ...status.streams.map(formatStream)] : []),
  ];
}

function formatStream(s: StreamStatus): string {
  const last = s.lastRun === null ? 'never run' : `last ${s.lastRun.result} ${s.lastRun.startedAt} (${s.lastRun.records} records, ${s.lastRun.pages} pages)`;
  const next = s.nextRun === null ? 'not scheduled' : `next ${s.nextRun}`;
  const mark = s.checkpoint?.highWaterMark ? `, since ${s.checkpoint.highWaterMark}` : '';
  const resuming = s.checkpoint?.resuming ? ', resumes mid-run' : '';
  return `  ${s.connector}:${s.connection}.${s.stream}  ${last}; ${next}${mark}${resuming}; ${s.deadLetters} dead letters`;
}
