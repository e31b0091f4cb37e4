// OAuth 2.0 connections: connect sessions (the signed, single-use links a consent starts from),
// the consent flow (signed single-use state, PKCE, code exchange), the token endpoint client, the per-connection token provider with locked, single-flight refresh, and
// the revocation of a deleted connection's tokens.
export { DEFAULT_REAUTH_ERRORS, DEFAULT_REFRESH_MARGIN_SECONDS, fillUrlTemplate, oauthClientSettings, urlTemplateNames } from './settings.js';
export { ACCESS_TOKEN, REFRESH_TOKEN, readStoredTokens, saveTokenSet } from './token-storage.js';
export type { StoredTokens } from './token-storage.js';
export type { OAuthClientSettings, RevokeRequestSettings, TokenEndpoint, TokenMigration, TokenSet } from './types.js';
export { compileConnectionParams } from './connection-params.js';
export type { ConnectionParams, ParamRefusal } from './connection-params.js';
export { MAX_ACCOUNT_ID_CHARS, accountIdOf, compileAccountIdSource } from './account-id.js';
export type { AccountIdSource } from './account-id.js';
export { DEFAULT_REVOKE_TIMEOUT_MS, createTokenRevoker } from './revoke.js';
export type { RevocableConnection, RevokeOutcome, TokenRevoker, TokenRevokerOptions } from './revoke.js';
export { fillRevokeRequest } from './revoke-request.js';
export type { FilledRevokeRequest, RevokeValues } from './revoke-request.js';
export { createTokenEndpoint } from './token-endpoint.js';
export { FLOW_ID_BYTES, STATE_KEY_INFO, createFlowId, signState, stateKeyFrom, verifyState } from './state.js';
export type { StateClaims } from './state.js';
export { PKCE_VERIFIER_BYTES, createPkcePair, pkceChallengeOf } from './pkce.js';
export type { PkcePair } from './pkce.js';
export { CONSENT_ERROR_HTTP_STATUS, DEFAULT_STATE_TTL_MS, createConsentFlow } from './consent.js';
export type { ConsentFlow, ConsentFlowOptions } from './consent.js';
export { CONSENT_ID_PATTERN, MAX_START_CONFIG_PARAMS, MAX_START_CONFIG_VALUE_CHARS, SESSION_PARAM, codeFlowSettingsOf, readLinkRequest } from './consent-request.js';
export type { CodeFlowSettings, LinkRequest, StartRequest } from './consent-request.js';
export { TOKEN_ID_BYTES, createTokenId, readSignedClaims, signClaims, signingKeyFrom } from './signed-token.js';
export type { SignedClaims, TokenRefusal } from './signed-token.js';
export { SESSION_KEY_INFO, sessionKeyFrom, signSessionToken, verifySessionToken } from './connect-session-token.js';
export {
  DEFAULT_SESSION_TTL_SECONDS,
  MAX_SESSION_TTL_SECONDS,
  MIN_SESSION_TTL_SECONDS,
  createConnectSessions,
  sessionTtlSeconds,
  useConnectSession,
} from './connect-sessions.js';
export type { ConnectSessionRequest, ConnectSessions, ConnectSessionsOptions, IssuedConnectSession } from './connect-sessions.js';
export { OAUTH_PAGE_HEADERS, oauthErrorPage, oauthSuccessPage, renderOAuthPage } from './pages.js';
export type { OAuthPage } from './pages.js';
export { BLOCKED_RECHECK_MS, createConnectionTokens } from './connection-tokens.js';
export type { ConnectionTokenState, ConnectionTokens, ConnectionTokensOptions, OAuthTokenMetrics, TokenRefreshOutcome } from './connection-tokens.js';
export type { RefreshAheadPolicy } from './token-freshness.js';
export { refreshLockName } from './renew-locked.js';
export { DEFAULT_IDLE_REFRESH_DAYS, DEFAULT_SWEEP_BATCH_SIZE, DEFAULT_SWEEP_HORIZON_SECONDS, sweepTokens } from './refresh-sweep.js';
export type { RefreshSweepOptions, SweepResult } from './refresh-sweep.js';
export { createOAuthServices, DEFAULT_TOKEN_SWEEP_INTERVAL_MS } from './services.js';
export type { OAuthConnector, OAuthServices, OAuthServicesOptions } from './services.js';
export { consentStartUrl } from './connect-url.js';
