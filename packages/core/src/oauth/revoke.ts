/**
 * Revoking a connection's OAuth tokens at the vendor (`auth.revoke`) when the connection is
 * deleted: best effort. A failure or a timeout is logged as a warning (CONNECTD_ERR_OAUTH_REVOKE_FAILED)
 * and reported in the outcome, never thrown: the delete it precedes must not depend on the vendor.
 * Disabling a connection does not revoke: it can be enabled again.
 */
import type { Vault } from '../auth/index.js';
import { OAUTH_REVOKE_FAILED, isConnectdError } from '../errors/index.js';
import type { ConnectionClient } from '../http/index.js';
import type { Logger } from '../log/index.js';
import type { Queryable } from '../store/index.js';
import { fillRevokeRequest } from './revoke-request.js';
import { readStoredTokens, type StoredTokens } from './token-storage.js';
import type { OAuthClientSettings } from './types.js';

/** How long a revocation may take, retries included, before the delete goes on without it. */
export const DEFAULT_REVOKE_TIMEOUT_MS = 10_000;
/** A reason (an error's message) is cut to this many characters. */
const MAX_REASON_CHARS = 200;

/** What became of a revocation. */
export type RevokeOutcome =
  /** The vendor answered 2xx (RFC 7009 also answers 200 for a token it no longer knows). */
  | { readonly outcome: 'revoked'; readonly status: number }
  /** Declared, but not done: the vendor refused or failed, did not answer in time, or the request could not be made. */
  | { readonly outcome: 'failed'; readonly status?: number | undefined; readonly reason: string }
  /** Nothing to do: no `revoke` declared, not an oauth2 connector, or no tokens stored. */
  | { readonly outcome: 'skipped'; readonly reason: string };

/** The connection whose tokens are revoked, as stored. */
export interface RevocableConnection {
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly vendorAccountId: string | null;
}

export interface TokenRevokerOptions {
  readonly db: Queryable;
  /** Undefined without CONNECTD_SECRET_KEY: then stored tokens cannot be read, and a declared revoke fails. */
  readonly vault: Vault | undefined;
  readonly log: Logger;
  /** The HTTP client revocations of a connector go through (it logs each attempt with the URL redacted). */
  clientFor(connector: string): ConnectionClient;
  /** Default {@link DEFAULT_REVOKE_TIMEOUT_MS}. */
  readonly timeoutMs?: number | undefined;
}

/** Revokes one connection's tokens; resolves with the outcome, never rejects. */
export type TokenRevoker = (settings: OAuthClientSettings, connection: RevocableConnection) => Promise<RevokeOutcome>;

/**
 * Makes the revoker of the OAuth services: it reads the connection's stored tokens, fills the
 * connector's revoke request (revoke-request.ts) and sends it through the connector's OAuth HTTP
 * client under a timeout. Log lines carry the connector, the connection id, the status and a
 * reason; never a token, a secret or the vendor's body.
 * @example
 * const revoke = createTokenRevoker({ db, vault, log, clientFor });
 * await revoke(settings, { id: 'square-acme', config: {}, vendorAccountId: 'MLQW2MYBY81PZ' }); // { outcome: 'revoked', status: 200 }
 */
export function createTokenRevoker(options: TokenRevokerOptions): TokenRevoker {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REVOKE_TIMEOUT_MS;

  return async (settings, connection) => {
    const { connector } = settings;
    const log = options.log.child({ connector, connection: connection.id });
    const failed = (reason: string, status?: number): RevokeOutcome => {
      const error = OAUTH_REVOKE_FAILED({ connector, connection: connection.id, status, reason });
      log.warn({ code: error.code, status, reason }, error.message);
      return status === undefined ? { outcome: 'failed', reason } : { outcome: 'failed', status, reason };
    };
    if (settings.revoke === undefined) return { outcome: 'skipped', reason: 'the connector declares no revoke request' };
    if (options.vault === undefined) return failed('CONNECTD_SECRET_KEY is not set, so the stored tokens cannot be read');

    let tokens: StoredTokens | undefined;
    try {
      tokens = await readStoredTokens(options.db, options.vault, connection.id);
    } catch (err) {
      return failed(`the stored tokens cannot be read (${codeOf(err)})`);
    }
    if (tokens === undefined) return { outcome: 'skipped', reason: 'the connection has no stored tokens' };

    const filled = fillRevokeRequest(settings, settings.revoke, { config: connection.config, tokens, accountId: connection.vendorAccountId });
    if ('problem' in filled) return failed(filled.problem);
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await options.clientFor(connector).send({ ...filled.request, signal });
      if (response.status >= 200 && response.status < 300) {
        log.info({ status: response.status }, 'OAuth tokens revoked at the vendor');
        return { outcome: 'revoked', status: response.status };
      }
      // The vendor's body is not read: it may echo what was sent.
      return failed('the vendor refused or failed the revocation', response.status);
    } catch (err) {
      if (signal.aborted) return failed(`no answer within ${timeoutMs} ms`);
      return failed(scrub(`${codeOf(err)}: ${err instanceof Error ? err.message : String(err)}`, filled.secrets));
    }
  };
}

function codeOf(err: unknown): string {
  if (isConnectdError(err)) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

/** Error messages are built without secrets; this is the second lock, in case one quotes what was sent. */
function scrub(text: string, secrets: readonly string[]): string {
  const clean = secrets.reduce((t, s) => t.split(s).join('[REDACTED]'), text);
  return clean.length > MAX_REASON_CHARS ? `${clean.slice(0, MAX_REASON_CHARS)}…` : clean;
}
