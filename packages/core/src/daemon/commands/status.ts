import { coreVersion } from '../../connector/index.js';
import { isConnectdError } from '../../errors/index.js';
import { createLogger } from '../../log/index.js';
import { createStatusStore } from '../../persist/index.js';
import { loadProject } from '../../project/index.js';
import { buildStatus, type StatusReport } from '../../status/index.js';
import { openStore, type Store } from '../../store/index.js';
import { withServerConfig, type DaemonSettings } from '../settings.js';

/** How long `connectd status` waits for a running daemon before reading the store itself. */
export const STATUS_DAEMON_TIMEOUT_MS = 1_500;

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
 * The status as `connectd status` shows it: from the running daemon when one answers on its port
 * (PORT, else the config's `server.port`) with the admin token, otherwise read from the config and
 * the store directly.
 * @example
 * const report = await readStatus({ configPath, env: process.env, settings: readSettings(process.env) });
 */
export async function readStatus(options: {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly settings: DaemonSettings;
}): Promise<StatusReport> {
  const project = await loadProject(options.configPath, options.env);
  const fromDaemon = await askDaemon(withServerConfig(options.settings, project.config.server, options.env));
  if (fromDaemon !== undefined) return fromDaemon;
  const version = coreVersion();
  let store: Store | undefined;
  try {
    store = await openStore({ databaseUrl: options.settings.databaseUrl, dataDir: options.settings.dataDir, log: createLogger({ level: 'silent' }) });
    return { ...(await buildStatus(project, createStatusStore(store), version)), source: 'local' };
  } catch (err) {
    const error = isConnectdError(err) ? `${err.code}: ${err.message}` : 'store unavailable';
    const kind = options.settings.databaseUrl === undefined ? 'pglite' : 'postgres';
    return { version, source: 'local', store: { kind, ready: false, error }, connectors: project.summaries(), connections: [], streams: [] };
  } finally {
    await store?.close();
  }
}
