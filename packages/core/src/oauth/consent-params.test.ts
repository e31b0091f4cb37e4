import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyRing, createVault, type OAuth2Options } from '../auth/index.js';
import { isConnectdError } from '../errors/index.js';
import { createConnectionClient } from '../http/index.js';
import { createLogger } from '../log/index.js';
import { getConnection, saveConnection, type Store } from '../store/index.js';
import { createTestDatabases, storeBackends, type StoreBackend } from '../store/testing.js';
import { startFakeOAuthProvider, type FakeOAuthProvider } from '../testing/fake-oauth-provider.js';
import { createConnectSessions, type ConnectSessions } from './connect-sessions.js';
import { sessionKeyFrom } from './connect-session-token.js';
import { CONSENT_ERROR_HTTP_STATUS, createConsentFlow, type ConsentFlow } from './consent.js';
import { oauthClientSettings } from './settings.js';
import { stateKeyFrom } from './state.js';
import { createTokenEndpoint } from './token-endpoint.js';

// auth.params: a connect session brings only declared connection parameters, normalised and
// matched when it is made (before any link exists) and again when it starts a consent, and the
// callback must be for the same account (Shopify's `shop`).

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const REDIRECT_BASE = 'https://connectd.example.test';
const SHOP_PARAMS: NonNullable<OAuth2Options['params']> = {
  shop: { pattern: '^[a-zA-Z0-9][a-zA-Z0-9-]*\\.myshopify\\.com$', lowercase: true, required: true },
};

interface Harness {
  readonly store: Store;
  readonly provider: FakeOAuthProvider;
  readonly flow: ConsentFlow;
  readonly sessions: ConnectSessions;
  readonly logLines: string[];
}

/** A consent flow against the fake provider; `auth` gives the OAuth URLs and the rest of the options. */
async function harness(backend: StoreBackend, auth: (provider: FakeOAuthProvider) => Partial<OAuth2Options>): Promise<Harness> {
  const store = await dbs.fresh(backend, { migrate: true });
  const provider = await startFakeOAuthProvider({ tokenRequestFormat: 'json' });
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
  const client = createConnectionClient({ name: 'shop:oauth', log });
  closers.push(() => provider.close(), () => client.close());
  const settings = oauthClientSettings('shop', {
    authorize_url: provider.authorizeUrl,
    token_url: provider.tokenUrl,
    client_id: provider.clientId,
    client_secret: provider.clientSecret!,
    token_request_format: 'json',
    params: SHOP_PARAMS,
    ...auth(provider),
  });
  const keys = new KeyRing(randomBytes(32));
  const settingsFor = (connector: string) => (connector === 'shop' ? settings : undefined);
  const sessions = createConnectSessions({ db: store.db, sessionKey: sessionKeyFrom(keys), settingsFor, publicUrl: REDIRECT_BASE });
  const flow = createConsentFlow({
    db: store.db,
    vault: createVault(keys),
    stateKey: stateKeyFrom(keys),
    sessionKey: sessionKeyFrom(keys),
    log,
    settingsFor,
    tokenEndpointFor: (_connector, config) => createTokenEndpoint(settings, client, config),
    redirectUriFor: (connector) => `${REDIRECT_BASE}/oauth/${connector}/callback`,
  });
  return { store, provider, flow, sessions, logLines };
}

/** The shop goes into the fake's query, where its request records show it. */
const shopInQuery = (provider: FakeOAuthProvider): Partial<OAuth2Options> => ({
  authorize_url: `${provider.authorizeUrl}?shop={shop}`,
  token_url: `${provider.tokenUrl}?shop={shop}`,
  account_id: 'param:shop',
});

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectdError(err)) throw new Error(`expected a coded rejection, got ${String(err)}`);
  return err;
}

async function rows(store: Store, table: string): Promise<number> {
  const { rows: found } = await store.db.query<{ n: string }>(`select count(*) as n from connectd_engine.${table}`);
  return Number(found[0]!.n);
}

/** Starts the consent of a session made for `link` (`tenant`, `connection`, and settings). */
async function start(h: Harness, link: string | Record<string, string>): Promise<{ location: string }> {
  const { tenant = '', connection, ...params } = Object.fromEntries(new URLSearchParams(link));
  const { url } = await h.sessions.create({ connector: 'shop', tenant, connection, params });
  return h.flow.start('shop', new URL(url).searchParams);
}

/** Plays the browser at the vendor: the callback query the fake redirects to. */
async function consent(h: Harness, link: string): Promise<URLSearchParams> {
  const { location } = await start(h, link);
  return new URL(await h.provider.visitAuthorizeUrl(location)).searchParams;
}

describe.each(storeBackends())('declared connection params (%s)', (backend) => {
  it("refuses a forged shop when the session is asked for: no link, no state, and the attacker's server sees no request", async () => {
    // The templates put the shop in the host, as Shopify's do; the "attacker" is the fake itself.
    const h = await harness(backend, () => ({ authorize_url: 'http://{shop}/admin/oauth/authorize', token_url: 'http://{shop}/admin/oauth/access_token' }));
    const attacker = new URL(h.provider.url).host;
    for (const forged of [attacker, 'evil.example:443', 'acme.myshopify.com.evil.example', 'acme.myshopify.com:443', 'acme.myshopify.com/x', '-acme.myshopify.com', `acme.myshopify.com@${attacker}`]) {
      const err = await rejection(start(h, { tenant: 'acme', shop: forged }));
      expect(err.code).toBe('CONNECTD_ERR_OAUTH_START_INVALID');
      expect(err.details['parameter']).toBe('shop');
      expect(err.message).toContain('auth.params.shop.pattern');
      expect(err.message).not.toContain(forged);
    }
    expect(CONSENT_ERROR_HTTP_STATUS['CONNECTD_ERR_OAUTH_START_INVALID']).toBe(400);
    expect(h.provider.server.requests).toHaveLength(0);
    expect(await rows(h.store, 'connect_sessions')).toBe(0);
    expect(await rows(h.store, 'oauth_states')).toBe(0);

    // Without params, the URL templates' character check alone lets the attacker's host through.
    const open = await harness(backend, () => ({ authorize_url: 'http://{shop}/admin/oauth/authorize', token_url: 'http://{shop}/admin/oauth/access_token', params: undefined }));
    const { location } = await start(open, { tenant: 'acme', shop: attacker });
    expect(new URL(location).host).toBe(attacker);
  });

  it('lower-cases a mixed-case shop before the authorize URL, the token URL and the stored config see it', async () => {
    const h = await harness(backend, shopInQuery);
    const callback = await consent(h, 'tenant=acme&shop=Acme-Store.MyShopify.COM');
    expect(h.provider.authorizeRequests[0]!.params['shop']).toBe('acme-store.myshopify.com');
    const { connection } = await h.flow.callback('shop', callback);
    expect(connection).toMatchObject({ config: { shop: 'acme-store.myshopify.com' }, vendorAccountId: 'acme-store.myshopify.com', status: 'active' });
    expect(h.provider.tokenRequests[0]!.request.query.get('shop')).toBe('acme-store.myshopify.com');
  });

  it('refuses an undeclared parameter and a missing required one when the session is asked for, naming each', async () => {
    const h = await harness(backend, shopInQuery);
    for (const [query, parameter] of [
      ['tenant=acme&shop=acme.myshopify.com&region=eu', 'region'],
      ['tenant=acme&shop=acme.myshopify.com&host=evil.example', 'host'],
      ['tenant=acme', 'shop'],
      ['tenant=acme&shop=', 'shop'],
    ] as const) {
      const err = await rejection(start(h, query));
      expect([err.code, err.details['parameter']], query).toEqual(['CONNECTD_ERR_OAUTH_START_INVALID', parameter]);
    }
    expect(h.provider.server.requests).toHaveLength(0);
    expect(await rows(h.store, 'oauth_states')).toBe(0);
  });

  it('refuses a callback for another shop: nothing stored, no token request, the state spent', async () => {
    const h = await harness(backend, shopInQuery);
    const callback = await consent(h, 'tenant=acme&shop=acme.myshopify.com');
    const other = new URLSearchParams(callback);
    other.set('shop', 'other.myshopify.com');
    const err = await rejection(h.flow.callback('shop', other));
    expect(err.code).toBe('CONNECTD_ERR_OAUTH_CALLBACK_INVALID');
    expect(err.message).toContain('"shop"');
    expect(err.message).not.toContain('other.myshopify.com');
    expect(h.provider.tokenRequests).toHaveLength(0);
    expect(await rows(h.store, 'connections')).toBe(0);
    expect(await rows(h.store, 'credentials')).toBe(0);
    expect((await rejection(h.flow.callback('shop', callback))).code).toBe('CONNECTD_ERR_OAUTH_STATE_USED');

    const twice = await consent(h, 'tenant=acme&shop=acme.myshopify.com');
    twice.append('shop', 'acme.myshopify.com');
    twice.append('shop', 'other.myshopify.com');
    expect((await rejection(h.flow.callback('shop', twice))).code).toBe('CONNECTD_ERR_OAUTH_CALLBACK_INVALID');
    expect(h.provider.tokenRequests).toHaveLength(0);
  });

  it('accepts a callback carrying the same shop in another case, and one without it', async () => {
    const h = await harness(backend, shopInQuery);
    const same = await consent(h, 'tenant=acme&shop=acme.myshopify.com');
    same.set('shop', 'ACME.myshopify.com');
    expect((await h.flow.callback('shop', same)).connection.status).toBe('active');
    const without = await consent(h, 'tenant=beta&shop=beta.myshopify.com');
    expect((await h.flow.callback('shop', without)).connection.config).toEqual({ shop: 'beta.myshopify.com' });
  });

  it("reconnects with the stored shop, and refuses a stored one that fails the pattern", async () => {
    const h = await harness(backend, shopInQuery);
    await h.flow.callback('shop', await consent(h, 'tenant=acme&shop=acme.myshopify.com'));
    expect((await h.flow.callback('shop', await consent(h, 'tenant=acme'))).connection.config).toEqual({ shop: 'acme.myshopify.com' });

    await h.store.db.transaction((tx) => saveConnection(tx, { id: 'shop-legacy', connector: 'shop', tenantId: 'legacy', config: { shop: 'legacy.example:8443' } }));
    const before = h.provider.server.requests.length;
    const err = await rejection(start(h, 'tenant=legacy&connection=shop-legacy'));
    expect([err.code, err.details['parameter']]).toEqual(['CONNECTD_ERR_OAUTH_START_INVALID', 'shop']);
    expect(h.provider.server.requests).toHaveLength(before);
    // A start link that gives a good shop replaces the stored one.
    const { connection } = await h.flow.callback('shop', await consent(h, 'tenant=legacy&connection=shop-legacy&shop=Legacy.myshopify.com'));
    expect(connection.config).toEqual({ shop: 'legacy.myshopify.com' });
    expect((await getConnection(h.store.db, 'shop-legacy'))?.vendorAccountId).toBe('legacy.myshopify.com');
  });

  it('sends token_params in the code exchange, where they cannot override the standard fields', async () => {
    const h = await harness(backend, (provider) => ({ ...shopInQuery(provider), token_params: { expiring: '1', grant_type: 'password', code: 'forged' } }));
    const { connection } = await h.flow.callback('shop', await consent(h, 'tenant=acme&shop=acme.myshopify.com'));
    expect(connection.status).toBe('active');
    const [exchange] = h.provider.tokenRequests;
    expect(exchange).toMatchObject({ grantType: 'authorization_code', status: 200, params: { expiring: '1', grant_type: 'authorization_code' } });
    expect(exchange!.params['code']).not.toBe('forged');
    const logged = h.logLines.join('\n');
    for (const secret of [h.provider.clientSecret!, ...h.provider.validAccessTokens(), ...h.provider.validRefreshTokens(), exchange!.params['code']!]) {
      expect(logged).not.toContain(secret);
    }
  });
});
