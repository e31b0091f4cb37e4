import type { FakeAnswer } from './core-test-kit.js';
import { scopesOf, type OAuthContext } from './oauth-app.js';
import { shopifyHostParam, signShopifyQuery } from './oauth-hmac.js';

/** An error page: Shopify shows the merchant a page and never redirects to an unverified URL. */
const errorPage = (status: number, message: string): FakeAnswer => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: `<!DOCTYPE html><html><body><h1>Oauth error invalid_request: ${message}</h1></body></html>`,
});

/**
 * `GET /admin/oauth/authorize` of one shop: plays the merchant on the install page without a page.
 * A wrong `client_id` or a `redirect_uri` outside the app's allowed URLs answers an error page
 * (400), never a redirect. Approved, it redirects (302) to `redirect_uri` with Shopify's signed
 * query: `code`, `hmac`, `host`, `shop`, `state`, `timestamp` (hex HMAC-SHA256 with the client
 * secret over the others, sorted). `grant_options[]=per-user` asks for an online token. Denied
 * (a test hook: at Shopify a merchant who declines simply leaves), it redirects with
 * `error=access_denied`, `error_description`, `shop`, `state`, `timestamp` and `hmac`.
 * @example
 * authorize(context, 'acme.myshopify.com', new URL(link).searchParams); // { status: 302, headers: { location } }
 */
export function authorize(context: OAuthContext, shop: string, query: URLSearchParams): FakeAnswer {
  if (query.get('client_id') !== context.clientId) return errorPage(400, 'The client_id is not the API key of an app');
  const redirectUri = query.get('redirect_uri');
  if (redirectUri === null) return errorPage(400, 'The redirect_uri is missing');
  const allowed = context.redirectUris();
  if (allowed !== undefined && !allowed.includes(redirectUri)) return errorPage(400, 'The redirect_uri is not whitelisted');
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return errorPage(400, 'The redirect_uri is not a URL');
  }
  const online = query.getAll('grant_options[]').includes('per-user');
  const params: Record<string, string> = { shop, timestamp: String(Math.floor(context.now() / 1000)) };
  const state = query.get('state');
  if (state !== null) params.state = state;
  if (context.consent() === 'deny') {
    params.error = 'access_denied';
    params.error_description = 'The merchant declined to install the app';
  } else {
    params.code = context.ledger.issueCode(shop, scopesOf(query.get('scope')), online);
    params.host = shopifyHostParam(shop);
  }
  params.hmac = signShopifyQuery(params, context.clientSecret());
  for (const name of Object.keys(params).sort()) target.searchParams.set(name, params[name]!);
  return { status: 302, headers: { location: target.toString() }, body: '' };
}
