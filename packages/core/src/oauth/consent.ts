import {
  OAUTH_ACCESS_DENIED,
  OAUTH_ACCOUNT_ID_MISSING,
  OAUTH_CALLBACK_INVALID,
  OAUTH_CONNECTION_CONFLICT,
  OAUTH_SESSION_EXPIRED,
  OAUTH_SESSION_INVALID,
  OAUTH_SESSION_REQUIRED,
  OAUTH_SESSION_USED,
  OAUTH_START_INVALID,
  OAUTH_STATE_EXPIRED,
  OAUTH_STATE_INVALID,
  OAUTH_STATE_USED,
  OAUTH_UNKNOWN_CONNECTOR,
  OAUTH_VENDOR_ERROR,
  isConnectdError,
} from '../errors/index.js';
import type { Vault } from '../auth/index.js';
import type { Logger } from '../log/index.js';
import {
  advisoryLockKey,
  consumeOAuthState,
  deleteCredentials,
  deleteExpiredOAuthStates,
  getConnection,
  insertOAuthState,
  saveConnection,
  type ConnectionRecord,
  type Database,
} from '../store/index.js';
import { accountIdOf } from './account-id.js';
import { useConnectSession } from './connect-sessions.js';
import { verifySessionToken } from './connect-session-token.js';
import { codeFlowSettingsOf, createAuthorizeUrl, planConsent, readSessionQuery, refuseTakeover } from './consent-request.js';
import { createPkcePair } from './pkce.js';
import { refreshLockName } from './renew-locked.js';
import { saveTokenSet } from './token-storage.js';
import { createFlowId, signState, verifyState } from './state.js';
import type { OAuthClientSettings, TokenEndpoint, TokenSet } from './types.js';

/** How long a consent flow may take from start to callback. */
export const DEFAULT_STATE_TTL_MS = 10 * 60 * 1000;
/** A vendor's `error` code is cut to this many characters before it reaches a message. */
const MAX_VENDOR_ERROR_CHARS = 64;
/** A vendor's `error_description` is cut to this many characters. */
const MAX_VENDOR_DESCRIPTION_CHARS = 200;

/**
 * The HTTP status of each error a consent route can meet: this file's codes, the token endpoint's
 * (the vendor failed: 502) and a missing vault key (the daemon is misconfigured: 500).
 */
export const CONSENT_ERROR_HTTP_STATUS: Readonly<Record<string, number>> = Object.freeze({
  [OAUTH_UNKNOWN_CONNECTOR.code]: 404,
  [OAUTH_START_INVALID.code]: 400,
  [OAUTH_STATE_INVALID.code]: 400,
  [OAUTH_STATE_EXPIRED.code]: 400,
  [OAUTH_STATE_USED.code]: 400,
  [OAUTH_ACCESS_DENIED.code]: 403,
  [OAUTH_VENDOR_ERROR.code]: 502,
  [OAUTH_CALLBACK_INVALID.code]: 400,
  [OAUTH_CONNECTION_CONFLICT.code]: 409,
  [OAUTH_ACCOUNT_ID_MISSING.code]: 502,
  [OAUTH_SESSION_REQUIRED.code]: 401,
  [OAUTH_SESSION_INVALID.code]: 401,
  [OAUTH_SESSION_EXPIRED.code]: 401,
  [OAUTH_SESSION_USED.code]: 401,
  CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED: 502,
  CONNECTD_ERR_OAUTH_INVALID_GRANT: 502,
  CONNECTD_ERR_OAUTH_TOKEN_RESPONSE_INVALID: 502,
  CONNECTD_ERR_OAUTH_TOKEN_URL_INVALID: 502,
  CONNECTD_ERR_VAULT_NO_KEY: 500,
});

export interface ConsentFlowOptions {
  readonly db: Database;
  readonly vault: Vault;
  /** From {@link stateKeyFrom}. */
  readonly stateKey: Buffer;
  /** From `sessionKeyFrom`: verifies the connect session of a start link. */
  readonly sessionKey: Buffer;
  readonly log: Logger;
  /** The code-flow settings of a connector, or undefined when it has none (unknown connector, not oauth2, or client_credentials). */
  settingsFor(connector: string): OAuthClientSettings | undefined;
  /** The token endpoint for a connection config (the daemon builds it with createTokenEndpoint). */
  tokenEndpointFor(connector: string, connectionConfig: Readonly<Record<string, unknown>>): TokenEndpoint;
  /** `${public URL}/oauth/${connector}/callback`. */
  redirectUriFor(connector: string): string;
  /** Plugin checks on the callback query (e.g. a vendor's HMAC over it); throw a coded error to refuse. Optional. */
  checkCallback?(connector: string, query: URLSearchParams): void | Promise<void>;
  /** Default {@link DEFAULT_STATE_TTL_MS}. */
  readonly stateTtlMs?: number;
  /** Epoch ms; default `Date.now`. */
  readonly now?: () => number;
}

export interface ConsentFlow {
  /**
   * Starts the consent a connect session was made for: the start query carries the session token
   * and nothing else; the session (this connector's, unused, unexpired) gives the tenant,
   * connection and settings, which are checked again (no takeover, declared `params`). The session
   * is used and the flow recorded in one transaction; resolves the vendor URL to redirect to (302).
   * On any refusal nothing is stored and the session stays as it was.
   * @throws CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR, CONNECTD_ERR_OAUTH_SESSION_REQUIRED, CONNECTD_ERR_OAUTH_SESSION_INVALID,
   *   CONNECTD_ERR_OAUTH_SESSION_EXPIRED, CONNECTD_ERR_OAUTH_SESSION_USED, CONNECTD_ERR_OAUTH_START_INVALID,
   *   CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT
   */
  start(connector: string, query: URLSearchParams): Promise<{ location: string; connectionId: string }>;
  /**
   * Checks the state and that the declared connection params the callback carries (`params`) are
   * the flow's, handles the vendor's error, exchanges the code, reads the account id the
   * settings declare (`account_id`), and stores the tokens encrypted with the connection active and
   * its vendor account id, in one transaction. Nothing is stored on any failure.
   * @throws the codes of {@link CONSENT_ERROR_HTTP_STATUS}, or a coded error of `checkCallback`
   */
  callback(connector: string, query: URLSearchParams): Promise<{ connection: ConnectionRecord }>;
}

/**
 * The OAuth 2.0 authorization-code flow of every connector: a connect session (connect-sessions.ts)
 * starts it once for the tenant it was made for; a signed, single-use `state` names a row of
 * `oauth_states` holding the tenant, connection, config and PKCE verifier; the callback consumes
 * that row before anything else, so a replayed or forged callback stores nothing.
 * @example
 * const consent = createConsentFlow({ db, vault, stateKey: stateKeyFrom(keys), sessionKey: sessionKeyFrom(keys), log,
 *   settingsFor, tokenEndpointFor, redirectUriFor: (c) => `${publicUrl}/oauth/${c}/callback` });
 * const { location } = await consent.start('crm', new URL(sessionUrl).searchParams); // 302 to location
 * const { connection } = await consent.callback('crm', new URL(callbackUrl).searchParams); // connection.status === 'active'
 */
export function createConsentFlow(options: ConsentFlowOptions): ConsentFlow {
  // vault, stateKey and sessionKey are read when used, not here: the daemon passes getters that
  // refuse with CONNECTD_ERR_VAULT_NO_KEY, and a daemon without a key must still start.
  const { db, log } = options;
  const now = options.now ?? Date.now;
  const stateTtlMs = options.stateTtlMs ?? DEFAULT_STATE_TTL_MS;

  const codeFlowSettings = (connector: string) => codeFlowSettingsOf(connector, options.settingsFor(connector));

  return {
    async start(connector, query) {
      const settings = codeFlowSettings(connector);
      const startedAtMs = now();
      // Signature and expiry first: a forged or stale link never reaches the store.
      const sessionToken = verifySessionToken(connector, readSessionQuery(connector, query), options.sessionKey, startedAtMs);
      const redirectUri = options.redirectUriFor(connector);
      const pkce = settings.pkce ? createPkcePair() : undefined;
      const id = createFlowId();
      const expiresAtMs = startedAtMs + stateTtlMs;
      const state = signState({ id, expiresAtMs }, options.stateKey);
      await deleteExpiredOAuthStates(db, new Date(startedAtMs));
      // The session is used only if the flow is recorded: a refusal below leaves both untouched.
      const flow = await db.transaction(async (tx) => {
        const session = await useConnectSession(tx, sessionToken, connector, new Date(startedAtMs));
        // Checked again, not trusted from when the session was made: the connection may have changed since.
        const plan = planConsent(connector, settings, await getConnection(tx, session.connectionId), { tenantId: session.tenantId, config: session.params });
        await insertOAuthState(tx, {
          id,
          connector,
          tenantId: session.tenantId,
          connectionId: session.connectionId,
          config: plan.config,
          codeVerifier: pkce?.verifier ?? null,
          redirectUri,
          expiresAt: new Date(expiresAtMs),
        });
        return { authorizeUrl: plan.authorizeUrl, connectionId: session.connectionId, tenantId: session.tenantId };
      });
      log.info({ connector, tenant: flow.tenantId, connectionId: flow.connectionId }, 'OAuth consent started from a connect session');
      const location = createAuthorizeUrl(flow.authorizeUrl, settings, { redirectUri, state, challenge: pkce?.challenge });
      return { location, connectionId: flow.connectionId };
    },

    async callback(connector, query) {
      const settings = codeFlowSettings(connector);
      const stateParams = query.getAll('state');
      if (stateParams.length > 1) throw OAUTH_STATE_INVALID({ reason: 'malformed' });
      const { id } = verifyState(stateParams[0], options.stateKey, now());
      const flow = await consumeOAuthState(db, id);
      if (flow === undefined) throw OAUTH_STATE_USED({});
      if (flow.connector !== connector) throw OAUTH_STATE_INVALID({ reason: 'other-connector' });
      if (now() >= flow.expiresAt.getTime()) throw OAUTH_STATE_EXPIRED({ expiredAt: flow.expiresAt.toISOString() });
      const code = authorizationCodeOf(connector, settings, query, flow.config);
      if (options.checkCallback !== undefined) {
        try {
          await options.checkCallback(connector, query);
        } catch (err) {
          if (isConnectdError(err)) throw err;
          throw OAUTH_CALLBACK_INVALID({ connector, reason: "the connector's callback check refused it" }, { cause: err });
        }
      }

      // The connection may have been taken by another tenant since the start (a session made for
      // the same id before it existed): refused before the code is exchanged, so the vendor issues
      // no grant that would be dropped unrevoked. Checked again under the lock below, which decides.
      refuseTakeover(await getConnection(db, flow.connectionId), connector, flow.tenantId);
      const tokens = await options.tokenEndpointFor(connector, flow.config).exchangeCode({
        code,
        redirectUri: flow.redirectUri,
        codeVerifier: flow.codeVerifier ?? undefined,
      });
      const vendorAccountId = vendorAccountIdOf(connector, settings, tokens, flow.config);
      // The refresher's lock: a refresh of the old grant cannot land on top of the new tokens.
      const connection = await db.withAdvisoryLock(advisoryLockKey(refreshLockName(flow.connectionId)), async (tx) => {
        refuseTakeover(await getConnection(tx, flow.connectionId), connector, flow.tenantId);
        const saved = await saveConnection(tx, {
          id: flow.connectionId,
          connector,
          tenantId: flow.tenantId,
          config: flow.config,
          vendorAccountId,
        });
        // A new grant replaces the old one: a refresh token of the old grant must not outlive it.
        await deleteCredentials(tx, flow.connectionId);
        await saveTokenSet(tx, options.vault, flow.connectionId, tokens);
        return saved;
      });
      log.info(
        { connector, tenant: connection.tenantId, connectionId: connection.id, vendorAccountId: connection.vendorAccountId ?? undefined },
        'OAuth connection authorized',
      );
      return { connection };
    },
  };
}

/**
 * The authorization code of a callback whose state checked out: refused when the callback is for
 * another account than the link started with (a declared param, e.g. Shopify's `shop`, differs),
 * when the vendor sent an error instead, or when there is not exactly one code.
 */
function authorizationCodeOf(connector: string, settings: OAuthClientSettings, query: URLSearchParams, config: Readonly<Record<string, unknown>>): string {
  const mismatch = settings.params?.mismatchIn(query, config);
  if (mismatch !== undefined) throw OAUTH_CALLBACK_INVALID({ connector, reason: `parameter "${mismatch.parameter}" ${mismatch.reason}` });
  const vendorError = query.get('error');
  if (vendorError !== null) {
    const description = cleanVendorText(query.get('error_description'), MAX_VENDOR_DESCRIPTION_CHARS);
    if (vendorError === 'access_denied') throw OAUTH_ACCESS_DENIED({ connector, description });
    throw OAUTH_VENDOR_ERROR({ connector, error: cleanVendorText(vendorError, MAX_VENDOR_ERROR_CHARS) ?? '(empty)', description });
  }
  const codes = query.getAll('code');
  if (codes.length !== 1 || codes[0] === '') {
    throw OAUTH_CALLBACK_INVALID({ connector, reason: codes.length > 1 ? 'more than one code parameter' : 'no authorization code' });
  }
  return codes[0]!;
}

/**
 * The connected account's id as `account_id` declares it; null when none is declared. A declared
 * id that is absent fails the consent: a connection webhooks cannot route to would look connected
 * and silently miss every event. The tokens just issued are dropped unstored.
 */
function vendorAccountIdOf(connector: string, settings: OAuthClientSettings, tokens: TokenSet, config: Readonly<Record<string, unknown>>): string | null {
  if (settings.accountId === undefined) return null;
  const id = accountIdOf(settings.accountId, tokens, config);
  if (id === undefined) throw OAUTH_ACCOUNT_ID_MISSING({ connector, source: settings.accountId.source });
  return id;
}

/** Vendor text goes into messages and pages: printable characters only, and not much of it. */
function cleanVendorText(text: string | null, maxChars: number): string | undefined {
  if (text === null) return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  if (clean === '') return undefined;
  return clean.length > maxChars ? `${clean.slice(0, maxChars)}…` : clean;
}
