import { BodyReader, parseJsonBody } from './body-reader.js';
import type { FakeAnswer, RecordedRequest } from './core-test-kit.js';
import type { OAuthContext } from './oauth-app.js';
import type { SquareRevokerType } from './events.js';
import { invalidRequest, squareError, squareJson } from './replies.js';

/** One revocation, through RevokeToken or by the seller, for assertions. */
export interface SquareRevocation {
  /** RFC 3339, the fake's clock. */
  readonly at: string;
  readonly merchantId: string;
  /** Who revoked: the application (RevokeToken), the seller (dashboard) or Square. */
  readonly revokerType: SquareRevokerType;
  /** What RevokeToken named: a token, a merchant, or nothing (a revocation outside the API). */
  readonly by: 'access_token' | 'merchant_id' | null;
  /** Only access tokens ended (`revoke_only_access_token`); the authorization and its refresh tokens live on. */
  readonly onlyAccessToken: boolean;
  /** How many access tokens stopped working. */
  readonly accessTokensRevoked: number;
}

/**
 * `POST /oauth2/revoke` (RevokeToken), authenticated with `Authorization: Client <application secret>`.
 * Body `{client_id, access_token | merchant_id, revoke_only_access_token?}`. It revokes every
 * token of that seller for the application, whichever token is named ("regardless of which token
 * you specify"), unless `revoke_only_access_token` is true: then only the named access token (or,
 * given a merchant, all of its access tokens) stop, and refresh tokens keep working. A token or
 * merchant the application never had → 404 `NOT_FOUND`. Answers `{"success": true}`.
 * @example
 * revokeToken(context, request, (revocation) => revocations.push(revocation));
 */
export function revokeToken(context: OAuthContext, request: RecordedRequest, now: () => string, record: (revocation: SquareRevocation) => void): FakeAnswer {
  const secret = /^Client (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (secret !== context.applicationSecret) return squareError('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'Send Authorization: Client <application secret>');
  const parsed = parseJsonBody(request.text());
  if ('refusal' in parsed) return parsed.refusal;
  const read = new BodyReader(parsed.body);
  const clientId = read.string('client_id');
  const accessToken = read.string('access_token');
  const merchantIdField = read.string('merchant_id');
  const onlyAccessToken = read.boolean('revoke_only_access_token') ?? false;
  if (read.refusal !== undefined) return read.refusal;
  if (clientId !== context.applicationId) return squareError('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'client_id is not the application of this secret', 'client_id');
  if (accessToken !== undefined && merchantIdField !== undefined) return invalidRequest('CONFLICTING_PARAMETERS', 'Send access_token or merchant_id, not both');
  if (accessToken === undefined && merchantIdField === undefined) return invalidRequest('MISSING_REQUIRED_PARAMETER', 'Send access_token or merchant_id', 'access_token');

  const merchantId = accessToken !== undefined ? context.ledger.merchantOfToken(accessToken) : merchantIdField;
  if (merchantId === undefined || !context.ledger.knowsMerchant(merchantId)) {
    return squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', 'No authorization of this application matches', accessToken === undefined ? 'merchant_id' : 'access_token');
  }
  const revoked = onlyAccessToken ? context.ledger.revokeAccessTokens(merchantId, accessToken) : context.ledger.revokeAuthorization(merchantId);
  record({ at: now(), merchantId, revokerType: 'APPLICATION', by: accessToken === undefined ? 'merchant_id' : 'access_token', onlyAccessToken, accessTokensRevoked: revoked });
  return squareJson({ success: true });
}
