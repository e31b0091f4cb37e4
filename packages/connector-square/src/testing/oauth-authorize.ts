import type { FakeAnswer } from './core-test-kit.js';
import { scopesOf, type OAuthContext } from './oauth-app.js';
import { invalidRequest } from './replies.js';

/**
 * `GET /oauth2/authorize`: plays the seller at Square's permission page without a page. It checks
 * the application and redirect URL (answering a 400 Square error instead of redirecting, since an
 * unverified redirect must not be followed), then redirects (302) to the redirect URL with
 * `code=sq0cgb-…&response_type=code&state=…`, or with `error=access_denied&error_description=user_denied&state=…`
 * when the test made the seller deny. A `code_challenge` (PKCE) is stored with the code; its
 * method is S256 whether `code_challenge_method` says so or is left out.
 * @example
 * authorize(context, new URL(authorizeUrl).searchParams); // { status: 302, headers: { location: '…?code=…' } }
 */
export function authorize(context: OAuthContext, query: URLSearchParams): FakeAnswer {
  if (query.get('client_id') !== context.applicationId) return invalidRequest('INVALID_VALUE', 'client_id is not the id of an application', 'client_id');
  const registered = context.redirectUri();
  const asked = query.get('redirect_uri') ?? undefined;
  if (registered !== undefined && asked !== undefined && asked !== registered) {
    return invalidRequest('INVALID_VALUE', 'redirect_uri does not match the redirect URL registered for the application', 'redirect_uri');
  }
  const target = asked ?? registered;
  if (target === undefined) return invalidRequest('MISSING_REQUIRED_PARAMETER', 'No redirect URL: register one or send redirect_uri', 'redirect_uri');
  const challenge = query.get('code_challenge') ?? undefined;
  const method = query.get('code_challenge_method');
  if (method !== null && method !== 'S256') return invalidRequest('INVALID_VALUE', 'code_challenge_method must be S256', 'code_challenge_method');
  if (method !== null && challenge === undefined) return invalidRequest('MISSING_REQUIRED_PARAMETER', 'code_challenge_method without code_challenge', 'code_challenge');

  const location = new URL(target);
  const consent = context.consent();
  if (consent === 'deny') {
    location.searchParams.set('error', 'access_denied');
    location.searchParams.set('error_description', 'user_denied');
  } else {
    if (!context.merchantExists(consent.merchantId)) throw new Error(`fake square: the approving merchant ${consent.merchantId} does not exist`);
    const code = context.ledger.issueCode({ merchantId: consent.merchantId, scopes: scopesOf(query.get('scope')), redirectUri: asked, challenge });
    location.searchParams.set('code', code);
    location.searchParams.set('response_type', 'code');
  }
  const state = query.get('state');
  if (state !== null) location.searchParams.set('state', state);
  return { status: 302, headers: { location: location.toString() }, body: '' };
}
