import { ConnectdError, DAEMON_NOT_FOUND, ERROR_REGISTRY, OAUTH_SESSION_DAEMON_UNREACHABLE } from '../../errors/index.js';
import type { ConnectSessionRequest } from '../../oauth/index.js';
import type { DaemonSettings } from '../settings.js';

// `connectd connect` beside a daemon that holds the embedded store (one process at a time): the
// daemon makes the session through its admin API. The admin token is only ever sent to a loopback
// address: the daemon holding a local data folder runs on this machine.

/** How long `connectd connect` waits for a running daemon's answer. */
export const CONNECT_DAEMON_TIMEOUT_MS = 10_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** What the daemon answered: the link (with the daemon's public URL), its token, and the session behind it. */
export interface DaemonIssuedSession {
  readonly url: string;
  readonly token: string;
  readonly expiresAt: Date;
  readonly connectionId: string;
}

/** Where the daemon may be asked: the public URL when it is a loopback address, then 127.0.0.1:PORT. */
export function daemonAddresses(settings: Pick<DaemonSettings, 'publicUrl' | 'port'>): string[] {
  const addresses: string[] = [];
  try {
    const publicUrl = new URL(settings.publicUrl);
    if (LOOPBACK_HOSTS.has(publicUrl.hostname)) addresses.push(settings.publicUrl.replace(/\/+$/, ''));
  } catch {
    // readSettings checked it; nothing to ask there otherwise.
  }
  if (settings.port !== 0) addresses.push(`http://127.0.0.1:${settings.port}`);
  return [...new Set(addresses)];
}

/** The daemon's refusal as the coded error it is, so the command exits as the daemon's route would answer. */
function refusalOf(body: unknown): ConnectdError | undefined {
  const { code, message } = (typeof body === 'object' && body !== null ? body : {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string' || !code.startsWith('CONNECTD_ERR_')) return undefined;
  const known = ERROR_REGISTRY.find((entry) => entry.factory.code === code)?.factory.definition;
  return new ConnectdError(code, message, {}, { exitCode: known?.exitCode ?? 1, httpStatus: known?.httpStatus ?? 500 });
}

/**
 * Asks the running daemon at one of {@link daemonAddresses} for the session (`POST
 * /api/connect-sessions` with CONNECTD_ADMIN_TOKEN). A refusal of the request itself (an unknown
 * connector, a bad parameter, another tenant's connection) is thrown as the daemon's coded error.
 * @throws CONNECTD_ERR_OAUTH_SESSION_DAEMON_UNREACHABLE when no token is set or no daemon answers with one
 * @example
 * const issued = await sessionFromDaemon(settings, { connector: 'square', tenant: 'acme' }, '/srv/connectd');
 */
export async function sessionFromDaemon(
  settings: Pick<DaemonSettings, 'publicUrl' | 'port' | 'adminToken'>,
  request: ConnectSessionRequest,
  dataDir: string,
  cause?: unknown,
): Promise<DaemonIssuedSession> {
  const unreachable = (reason: string): ConnectdError => OAUTH_SESSION_DAEMON_UNREACHABLE({ dataDir, reason }, { cause });
  if (settings.adminToken === undefined) throw unreachable('CONNECTD_ADMIN_TOKEN is not set');
  const addresses = daemonAddresses(settings);
  if (addresses.length === 0) throw unreachable('PORT is 0 and CONNECTD_PUBLIC_URL is not a loopback address, so there is nowhere to ask');
  const body = JSON.stringify({
    connector: request.connector,
    tenant: request.tenant,
    ...(request.connection === undefined ? {} : { connection: request.connection }),
    params: request.params ?? {},
    ...(request.expiresInSeconds === undefined ? {} : { expires_in: request.expiresInSeconds }),
  });
  const tried: string[] = [];
  for (const address of addresses) {
    let response: Response;
    try {
      response = await fetch(`${address}/api/connect-sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${settings.adminToken}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(CONNECT_DAEMON_TIMEOUT_MS),
      });
    } catch {
      tried.push(`no answer at ${address}`);
      continue;
    }
    const answer: unknown = await response.json().catch(() => undefined);
    if (response.status === 201) {
      const { url, token, expires_at, connection } = (answer ?? {}) as { url?: unknown; token?: unknown; expires_at?: unknown; connection?: unknown };
      if (typeof url === 'string' && typeof token === 'string' && typeof expires_at === 'string' && typeof connection === 'string') {
        return { url, token, expiresAt: new Date(expires_at), connectionId: connection };
      }
      tried.push(`an answer without a link at ${address}`);
      continue;
    }
    const refusal = refusalOf(answer);
    // 401/403: not this daemon's token (or another server on that port); 404: no such route there.
    if (refusal !== undefined && response.status !== 401 && response.status !== 403 && !(response.status === 404 && refusal.code === DAEMON_NOT_FOUND.code)) throw refusal;
    tried.push(`${address} answered ${response.status}${refusal === undefined ? '' : ` ${refusal.code}`}`);
  }
  throw unreachable(tried.join('; '));
}
