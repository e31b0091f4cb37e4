import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { MAX_START_CONFIG_PARAMS, MAX_START_CONFIG_VALUE_CHARS, createAuthorizeUrl, readLinkRequest, readSessionQuery, resolveOAuthUrls } from './consent-request.js';
import { oauthClientSettings } from './settings.js';

function refusedParameter(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (isConnectdError(err, 'CONNECTD_ERR_OAUTH_START_INVALID')) return String(err.details['parameter']);
    throw err;
  }
  return undefined;
}

const settings = oauthClientSettings('shop', {
  authorize_url: 'https://{shop}/admin/oauth/authorize?grant_options%5B%5D=',
  token_url: 'https://{shop}/admin/oauth/access_token',
  client_id: 'client-1',
  scopes: ['read_products', 'read_orders'],
  scope_separator: ',',
  extra_authorize_params: { prompt: 'consent', state: 'from-config', client_id: 'other' },
});

function refusedCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (isConnectdError(err)) return err.code;
    throw err;
  }
  return undefined;
}

describe('consent link request and start query', () => {
  it('reads tenant, connection (default <connector>-<tenant>) and the settings of a link', () => {
    expect(readLinkRequest('shop', { tenant: 'acme', params: { shop: 'acme.example.com' } })).toEqual({
      tenantId: 'acme',
      connectionId: 'shop-acme',
      config: { shop: 'acme.example.com' },
    });
    expect(readLinkRequest('shop', { tenant: 'acme', connection: 'acme.main_1' }).connectionId).toBe('acme.main_1');
  });

  it('names the parameter it refuses', () => {
    const refused = (tenant: string, params: Record<string, string> = {}, connection?: string): string | undefined =>
      refusedParameter(() => readLinkRequest('shop', { tenant, connection, params }));
    expect(refused('')).toBe('tenant');
    expect(refused('a'.repeat(129))).toBe('tenant');
    expect(refused('.acme')).toBe('tenant');
    expect(refused('acme', {}, 'a/b')).toBe('connection');
    expect(refused('acme', { 'bad-name': '1' })).toBe('bad-name');
    for (const reserved of ['tenant', 'connection', 'session']) expect(refused('acme', { [reserved]: 'x' })).toBe(reserved);
    expect(refused('acme', { shop: 'x'.repeat(MAX_START_CONFIG_VALUE_CHARS + 1) })).toBe('shop');
    const many = Object.fromEntries(Array.from({ length: MAX_START_CONFIG_PARAMS + 1 }, (_, i) => [`p${i}`, 'v']));
    expect(refused('acme', many)).toBe(`p${MAX_START_CONFIG_PARAMS}`);
    delete many['p0'];
    expect(refused('acme', many)).toBeUndefined();
  });

  it('takes only the session from a start link: none is a 401 refusal, anything beside it a 400', () => {
    expect(readSessionQuery('shop', new URLSearchParams('session=abc.def'))).toBe('abc.def');
    expect(refusedCode(() => readSessionQuery('shop', new URLSearchParams('')))).toBe('CONNECTD_ERR_OAUTH_SESSION_REQUIRED');
    expect(refusedCode(() => readSessionQuery('shop', new URLSearchParams('tenant=acme&shop=acme.example.com')))).toBe('CONNECTD_ERR_OAUTH_SESSION_REQUIRED');
    expect(refusedCode(() => readSessionQuery('shop', new URLSearchParams('session=')))).toBe('CONNECTD_ERR_OAUTH_SESSION_REQUIRED');
    for (const query of ['session=abc.def&tenant=other', 'tenant=other&session=abc.def', 'session=abc.def&connection=x', 'session=abc.def&shop=evil.example', 'session=a.b&session=c.d']) {
      expect(refusedCode(() => readSessionQuery('shop', new URLSearchParams(query))), query).toBe('CONNECTD_ERR_OAUTH_START_INVALID');
    }
    expect(refusedParameter(() => readSessionQuery('shop', new URLSearchParams('session=abc.def&tenant=other')))).toBe('tenant');
  });

  it('fills the OAuth URL templates and refuses values that would change where they point', () => {
    expect(resolveOAuthUrls('shop', settings as typeof settings & { authorizeUrl: string }, { shop: 'acme.example.com' })).toEqual({
      authorizeUrl: 'https://acme.example.com/admin/oauth/authorize?grant_options%5B%5D=',
      tokenUrl: 'https://acme.example.com/admin/oauth/access_token',
    });
    const refused = (shop: string | undefined): string | undefined =>
      refusedParameter(() => resolveOAuthUrls('shop', settings as typeof settings & { authorizeUrl: string }, shop === undefined ? {} : { shop }));
    for (const shop of [undefined, 'evil.com/x', 'evil.com?x', 'evil.com#x', 'user@evil.com', 'a b', '::::']) expect(refused(shop), shop).toBe('shop');
  });

  it('builds the authorize URL: template query kept, RFC parameters win over extra ones, scopes joined', () => {
    const url = new URL(
      createAuthorizeUrl('https://acme.example.com/admin/oauth/authorize?grant_options%5B%5D=', settings, {
        redirectUri: 'https://connectd.example/oauth/shop/callback',
        state: 'signed.state',
        challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      'grant_options[]': '',
      prompt: 'consent',
      state: 'signed.state',
      client_id: 'client-1',
      response_type: 'code',
      redirect_uri: 'https://connectd.example/oauth/shop/callback',
      scope: 'read_products,read_orders',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
  });

  it('leaves scope out when there are none, and the PKCE parameters without a challenge', () => {
    const bare = oauthClientSettings('x', { authorize_url: 'https://v.example/authorize', token_url: 'https://v.example/token', client_id: 'c' });
    const url = new URL(createAuthorizeUrl('https://v.example/authorize', bare, { redirectUri: 'https://r.example/cb', state: 's' }));
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'redirect_uri', 'response_type', 'state']);
  });
});
