import { createHash } from 'node:crypto';
import { BodyReader, parseJsonBody } from './body-reader.js';
import type { FakeAnswer } from './core-test-kit.js';
import type { OAuthContext } from './oauth-app.js';
import type { SquareOAuthFlow, TokenProblem } from './oauth-ledger.js';
import { squareErrors, squareJson } from './replies.js';
import type { SquareErrorCategory } from './types.js';

/** RFC 6749 §5.2 error codes the fake answers beside Square's `errors`. */
type Rfc6749Error = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type';

/**
 * A refused token request. The spec gives ObtainToken only Square's `errors` array; what Square
 * sends for a bad code on the wire is not documented. connectd's OAuth client (like most) reads
 * RFC 6749's `error`, so the fake answers both: `errors` as Square's other endpoints do, plus
 * `error`/`error_description`, with RFC 6749's statuses (401 for client authentication, else 400).
 */
function refuse(error: Rfc6749Error, description: string, square: { category?: SquareErrorCategory; code: string; field?: string }): FakeAnswer {
  const status = error === 'invalid_client' ? 401 : 400;
  const category = square.category ?? (error === 'invalid_client' ? 'AUTHENTICATION_ERROR' : 'INVALID_REQUEST_ERROR');
  const answer = squareErrors([{ category, code: square.code, detail: description, ...(square.field === undefined ? {} : { field: square.field }) }], {
    error,
    error_description: description,
  });
  return { ...answer, status, headers: { 'cache-control': 'no-store' } };
}

const invalidGrant = (description: string): FakeAnswer => refuse('invalid_grant', description, { code: 'BAD_REQUEST' });
const problemText: Record<TokenProblem, string> = { unknown: 'is not known', expired: 'has expired', revoked: 'has been revoked', used: 'was already used' };

/**
 * The S256 code challenge of a PKCE verifier: base64url(SHA-256(verifier)), RFC 7636 §4.2.
 * @example
 * s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'); // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Whether a token request's `redirect_uri` fits its code. Named in the authorize request, it must
 * be repeated exactly (the spec: required "if you provided the redirect_uri parameter in your
 * authorization URL"); otherwise it is optional, and when sent must be the registered URL.
 */
function redirectMatches(named: string | undefined, sent: string | undefined, registered: string | undefined): boolean {
  if (named !== undefined) return sent === named;
  return sent === undefined || registered === undefined || sent === registered;
}

interface TokenRequest {
  readonly read: BodyReader;
  readonly secret: string | undefined;
  readonly shortLived: boolean;
}

/**
 * `POST /oauth2/token` (ObtainToken; JSON body, no Authorization header). `authorization_code`
 * with `client_secret` (code flow) or `code_verifier` checked against the stored S256 challenge
 * (PKCE); codes work once, for 5 minutes, and only with the authorize request's `redirect_uri`.
 * `refresh_token`: a code-flow grant needs the secret and answers the same multi-use refresh
 * token; a PKCE grant answers a new single-use one with `refresh_token_expires_at` (90 days).
 * A code is used up only by a successful exchange.
 * @example
 * obtainToken(context, JSON.stringify({ client_id, client_secret, code, grant_type: 'authorization_code' }));
 */
export function obtainToken(context: OAuthContext, raw: string): FakeAnswer {
  const parsed = parseJsonBody(raw);
  if ('refusal' in parsed) return refuse('invalid_request', 'The body must be a JSON object', { code: 'EXPECTED_JSON_BODY' });
  const read = new BodyReader(parsed.body);
  const clientId = read.string('client_id');
  const secret = read.string('client_secret');
  const grantType = read.string('grant_type');
  const shortLived = read.boolean('short_lived') ?? false;
  if (read.refusal !== undefined) return read.refusal;
  if (clientId !== context.applicationId) return refuse('invalid_client', 'client_id is not the id of an application', { code: 'UNAUTHORIZED', field: 'client_id' });
  if (secret !== undefined && secret !== context.applicationSecret) return refuse('invalid_client', 'client_secret is wrong', { code: 'UNAUTHORIZED', field: 'client_secret' });
  const request: TokenRequest = { read, secret, shortLived };
  if (grantType === 'authorization_code') return exchangeCode(context, request);
  if (grantType === 'refresh_token') return refresh(context, request);
  if (grantType === undefined) return refuse('invalid_request', 'grant_type is required', { code: 'MISSING_REQUIRED_PARAMETER', field: 'grant_type' });
  return refuse('unsupported_grant_type', `grant_type ${grantType} is not supported by the fake`, { code: 'INVALID_VALUE', field: 'grant_type' });
}

function exchangeCode(context: OAuthContext, { read, secret, shortLived }: TokenRequest): FakeAnswer {
  const codeValue = read.string('code');
  const verifier = read.string('code_verifier');
  const redirectUri = read.string('redirect_uri');
  if (read.refusal !== undefined) return read.refusal;
  if (codeValue === undefined) return refuse('invalid_request', 'code is required', { code: 'MISSING_REQUIRED_PARAMETER', field: 'code' });
  const code = context.ledger.code(codeValue);
  if (typeof code === 'string') return invalidGrant(`The authorization code ${problemText[code]}`);
  const flow: SquareOAuthFlow = code.challenge === undefined ? 'code' : 'pkce';
  if (flow === 'pkce' && (verifier === undefined || s256(verifier) !== code.challenge)) return invalidGrant('code_verifier does not match the code_challenge');
  if (flow === 'code' && secret === undefined) return refuse('invalid_client', 'client_secret is required for the code flow', { code: 'UNAUTHORIZED', field: 'client_secret' });
  if (!redirectMatches(code.redirectUri, redirectUri, context.redirectUri())) return invalidGrant('redirect_uri does not match the one of the authorization request');
  context.ledger.useCode(codeValue);
  const grant = context.ledger.openGrant(code.merchantId, flow, code.scopes);
  return squareJson(context.ledger.issue(grant, { grantType: 'authorization_code', shortLived }), 200, { 'cache-control': 'no-store' });
}

function refresh(context: OAuthContext, { read, secret, shortLived }: TokenRequest): FakeAnswer {
  const token = read.string('refresh_token');
  const scopes = read.stringArray('scopes');
  if (read.refusal !== undefined) return read.refusal;
  if (token === undefined) return refuse('invalid_request', 'refresh_token is required', { code: 'MISSING_REQUIRED_PARAMETER', field: 'refresh_token' });
  const grant = context.ledger.refreshGrant(token);
  if (typeof grant === 'string') return invalidGrant(`The refresh token ${problemText[grant]}`);
  if (grant.flow === 'code' && secret === undefined) return refuse('invalid_client', 'client_secret is required to refresh a code-flow token', { code: 'UNAUTHORIZED', field: 'client_secret' });
  context.ledger.useRefreshToken(token);
  // The new token carries the intersection of the asked scopes and the authorized ones.
  const narrowed = scopes === undefined ? undefined : scopes.filter((scope) => grant.scopes.includes(scope));
  const issued = context.ledger.issue(grant, { grantType: 'refresh_token', shortLived, reuseRefreshToken: token, ...(narrowed === undefined ? {} : { scopes: narrowed }) });
  return squareJson(issued, 200, { 'cache-control': 'no-store' });
}
