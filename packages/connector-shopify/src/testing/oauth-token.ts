import type { FakeAnswer, RecordedRequest } from './core-test-kit.js';
import type { OAuthContext } from './oauth-app.js';
import type { ShopifyTokenProblem } from './oauth-ledger.js';

/** The token-exchange grant of Shopify's `migrate-to-expiring-token`. */
export const SHOPIFY_TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** The subject and requested token type of that migration. */
export const SHOPIFY_OFFLINE_TOKEN_TYPE = 'urn:shopify:params:oauth:token-type:offline-access-token';

const refuse = (error: string, description: string, status = 400): FakeAnswer => ({ status, json: { error, error_description: description } });
const tokenAnswer = (value: unknown): FakeAnswer => ({ status: 200, headers: { 'cache-control': 'no-store' }, json: value });

/**
 * Reads the token request's body: JSON (what Shopify's libraries send) or form-encoded (what
 * RFC 6749 clients send; Shopify accepts both). Values are read as strings.
 */
function readBody(request: RecordedRequest): Record<string, string> | undefined {
  const type = String(request.headers['content-type'] ?? '');
  const text = request.text();
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  } catch {
    return undefined;
  }
}

const codeProblem = 'The authorization code was not found or was already used';
const refreshProblem: Record<ShopifyTokenProblem, string> = {
  unknown: 'The refresh token is not known for this shop',
  used: 'The refresh token was already used and has been replaced',
  expired: 'The refresh token has expired',
  revoked: 'The refresh token has been revoked',
  not_offline: 'The refresh token is not valid',
};

/**
 * `POST /admin/oauth/access_token` of one shop. Client credentials in the body (`client_id`,
 * `client_secret`; wrong: 400 `invalid_client`). Grants:
 * - no `grant_type` (or `authorization_code`) with `code`: single use; `expiring: "1"` answers an
 *   expiring offline token (`expires_in`, `refresh_token`, `refresh_token_expires_in`), `"0"` or
 *   none a non-expiring `{access_token, scope}`; an online code answers an online token. A bad
 *   code: 400 `invalid_request`.
 * - `refresh_token`: rotates (see `ShopifyRefreshTokenRetention`); a used, revoked, expired or
 *   unknown one: 400 `invalid_grant`.
 * - token exchange of a non-expiring offline token (`subject_token_type` and
 *   `requested_token_type` offline-access-token, `expiring: "1"`): an expiring pair; the old token
 *   stops working. Anything else: 400 `invalid_subject_token`.
 * @example
 * obtainToken(context, 'acme.myshopify.com', request); // { status: 200, json: { access_token: 'shpat_…', … } }
 */
export function obtainToken(context: OAuthContext, shop: string, request: RecordedRequest): FakeAnswer {
  const body = readBody(request);
  if (body === undefined) return refuse('invalid_request', 'The body must be a JSON object or form-encoded');
  if (body.client_id !== context.clientId || body.client_secret !== context.clientSecret()) return refuse('invalid_client', 'Client authentication failed: client_id or client_secret is wrong');
  const grantType = body.grant_type;
  if (grantType === undefined || grantType === 'authorization_code') return exchangeCode(context, shop, body);
  if (grantType === 'refresh_token') {
    if (body.refresh_token === undefined) return refuse('invalid_request', 'refresh_token is required');
    const answer = context.ledger.refresh(body.refresh_token, shop);
    return typeof answer === 'string' ? refuse('invalid_grant', refreshProblem[answer]) : tokenAnswer(answer);
  }
  if (grantType === SHOPIFY_TOKEN_EXCHANGE_GRANT) return exchangeToken(context, shop, body);
  return refuse('unsupported_grant_type', `grant_type ${grantType} is not supported`);
}

function exchangeCode(context: OAuthContext, shop: string, body: Readonly<Record<string, string>>): FakeAnswer {
  if (body.code === undefined) return refuse('invalid_request', 'code is required');
  const grant = context.ledger.useCode(body.code, shop);
  if (typeof grant === 'string') return refuse('invalid_request', codeProblem);
  const kind = grant.online ? 'online' : body.expiring === '1' ? 'expiring' : 'offline';
  context.installed(shop);
  return tokenAnswer(context.ledger.issue(shop, grant.scopes, kind, 'authorization_code'));
}

function exchangeToken(context: OAuthContext, shop: string, body: Readonly<Record<string, string>>): FakeAnswer {
  if (body.subject_token_type !== SHOPIFY_OFFLINE_TOKEN_TYPE || body.requested_token_type !== SHOPIFY_OFFLINE_TOKEN_TYPE) {
    return refuse('invalid_request', 'The fake exchanges only offline access tokens for expiring ones (subject and requested token type offline-access-token)');
  }
  if (body.expiring !== '1') return refuse('invalid_request', 'expiring must be "1" to migrate to an expiring token');
  if (body.subject_token === undefined) return refuse('invalid_request', 'subject_token is required');
  const answer = context.ledger.migrate(body.subject_token, shop);
  if (typeof answer === 'string') return refuse('invalid_subject_token', answer === 'not_offline' ? 'The subject token is already an expiring token' : 'The subject token is not a valid offline access token of this shop');
  return tokenAnswer(answer);
}
