import { OAUTH_SESSION_EXPIRED, OAUTH_SESSION_INVALID, OAUTH_SESSION_REQUEST_INVALID, OAUTH_SESSION_USED } from '../errors/index.js';
import { getConnection, getConnectSession, insertConnectSession, takeConnectSession, type ConnectSessionRow, type Database, type Queryable } from '../store/index.js';
import { consentStartUrl } from './connect-url.js';
import { signSessionToken } from './connect-session-token.js';
import { codeFlowSettingsOf, planConsent, readLinkRequest, type LinkRequest } from './consent-request.js';
import { createTokenId } from './signed-token.js';
import type { OAuthClientSettings } from './types.js';

// Connect sessions: the only way a consent starts. An app's backend (POST /api/connect-sessions,
// behind the admin bearer) or an operator (`connectd connect`) makes one for one tenant; the link
// it answers starts that tenant's consent once, before it expires, with the connection and
// settings fixed when it was made. A link nobody made for them cannot start anyone's consent.

/** How long a link works when the request does not say. */
export const DEFAULT_SESSION_TTL_SECONDS = 30 * 60;
/** The longest a link may work: a day. */
export const MAX_SESSION_TTL_SECONDS = 24 * 60 * 60;
/** The shortest: a person needs time to open it. */
export const MIN_SESSION_TTL_SECONDS = 60;

/** What a session is asked for (`POST /api/connect-sessions`'s body, `connectd connect`'s options). */
export interface ConnectSessionRequest extends LinkRequest {
  readonly connector: string;
  /** Seconds, from {@link MIN_SESSION_TTL_SECONDS} to {@link MAX_SESSION_TTL_SECONDS}; default {@link DEFAULT_SESSION_TTL_SECONDS}. */
  readonly expiresInSeconds?: number | undefined;
}

/** A session made: the link to send the user, its token, and when it stops working. */
export interface IssuedConnectSession {
  /** `${public URL}/oauth/{connector}/start?session=<token>`. */
  readonly url: string;
  readonly token: string;
  readonly expiresAt: Date;
  /** The connection the consent will create or reconnect. */
  readonly connectionId: string;
}

export interface ConnectSessionsOptions {
  readonly db: Database;
  /** From `sessionKeyFrom`; read when a session is made (a getter may refuse with CONNECTD_ERR_VAULT_NO_KEY). */
  readonly sessionKey: Buffer;
  /** The OAuth settings of a connector, undefined when it has none. */
  settingsFor(connector: string): OAuthClientSettings | undefined;
  /** The daemon's public URL (CONNECTD_PUBLIC_URL): links point at its start route. */
  readonly publicUrl: string;
  /** Epoch ms; default `Date.now`. */
  readonly now?: () => number;
}

export interface ConnectSessions {
  /**
   * Checks the request as the consent will (connector, ids, declared `params`, a reconnect's stored
   * settings, the OAuth URLs, no takeover of another tenant's connection), then records the session
   * and resolves its link. Nothing is recorded when anything is refused.
   * @throws CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR (404), CONNECTD_ERR_OAUTH_START_INVALID (400),
   *   CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID (400), CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT (409),
   *   CONNECTD_ERR_VAULT_NO_KEY
   */
  create(request: ConnectSessionRequest): Promise<IssuedConnectSession>;
}

/**
 * The issuer of connect sessions over the store.
 * @example
 * const sessions = createConnectSessions({ db, sessionKey: sessionKeyFrom(keys), settingsFor, publicUrl: 'https://connect.example.com' });
 * const { url } = await sessions.create({ connector: 'shopify', tenant: 'acme', params: { shop: 'acme.myshopify.com' } });
 * // https://connect.example.com/oauth/shopify/start?session=eyJ…
 */
export function createConnectSessions(options: ConnectSessionsOptions): ConnectSessions {
  const now = options.now ?? Date.now;
  return {
    async create(request) {
      const { connector } = request;
      const settings = codeFlowSettingsOf(connector, options.settingsFor(connector));
      const ttlSeconds = sessionTtlSeconds(request.expiresInSeconds);
      const link = readLinkRequest(connector, request, settings.params);
      // The same checks the start will make, now, so a bad link is refused to whoever asked for it.
      planConsent(connector, settings, await getConnection(options.db, link.connectionId), link);
      const id = createTokenId();
      const expiresAtMs = now() + ttlSeconds * 1000;
      // Signed before anything is stored: without a key, nothing is.
      const token = signSessionToken({ id, expiresAtMs }, options.sessionKey);
      const expiresAt = new Date(expiresAtMs);
      await insertConnectSession(options.db, { id, connector, tenantId: link.tenantId, connectionId: link.connectionId, params: link.config, expiresAt });
      return { url: consentStartUrl(options.publicUrl, connector, token), token, expiresAt, connectionId: link.connectionId };
    },
  };
}

/**
 * The lifetime a session is asked for, in whole seconds, checked.
 * @throws CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID out of range or not a whole number
 */
export function sessionTtlSeconds(expiresInSeconds: number | undefined): number {
  if (expiresInSeconds === undefined) return DEFAULT_SESSION_TTL_SECONDS;
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < MIN_SESSION_TTL_SECONDS || expiresInSeconds > MAX_SESSION_TTL_SECONDS) {
    throw OAUTH_SESSION_REQUEST_INVALID({
      reason: `expires_in must be a whole number of seconds from ${MIN_SESSION_TTL_SECONDS} to ${MAX_SESSION_TTL_SECONDS} (24 hours), got ${String(expiresInSeconds).slice(0, 32)}`,
    });
  }
  return expiresInSeconds;
}

/**
 * Takes the session a start link's verified token names, in the caller's transaction: it is
 * marked used only if the consent's state is recorded in the same commit. Refused, with the
 * reason, when it is another connector's, used, expired, unknown, or not the token issued for it.
 * @throws CONNECTD_ERR_OAUTH_SESSION_INVALID, CONNECTD_ERR_OAUTH_SESSION_USED, CONNECTD_ERR_OAUTH_SESSION_EXPIRED
 * @example
 * const session = await db.transaction((tx) => useConnectSession(tx, verifySessionToken(...), 'square', new Date()));
 */
export async function useConnectSession(tx: Queryable, token: { id: string; expiresAtMs: number }, connector: string, now: Date): Promise<ConnectSessionRow> {
  // The expiry is signed along with the id: a token re-signed for a known id with another expiry
  // (a leaked session key, or a bug) was never issued. Throwing rolls the take back.
  const issued = (row: { expiresAt: Date }): boolean => row.expiresAt.getTime() === token.expiresAtMs;
  const session = await takeConnectSession(tx, token.id, connector, now);
  if (session !== undefined) {
    if (!issued(session)) throw OAUTH_SESSION_INVALID({ reason: 'unknown' });
    return session;
  }
  const standing = await getConnectSession(tx, token.id);
  if (standing === undefined) throw OAUTH_SESSION_INVALID({ reason: 'unknown' });
  if (standing.connector !== connector) throw OAUTH_SESSION_INVALID({ reason: 'other-connector' });
  if (standing.usedAt !== null) throw OAUTH_SESSION_USED({});
  if (standing.expiresAt.getTime() <= now.getTime()) throw OAUTH_SESSION_EXPIRED({ expiredAt: standing.expiresAt.toISOString() });
  throw OAUTH_SESSION_INVALID({ reason: 'unknown' });
}
