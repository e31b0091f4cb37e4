import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyRing, createVault, type Vault } from '../auth/index.js';
import { INTERNAL, isConnectdError } from '../errors/index.js';
import { createConnectionClient, type ConnectionClient } from '../http/index.js';
import { createLogger } from '../log/index.js';
import { getConnection, listConnections, saveConnection, setConnectionStatus, type Store } from '../store/index.js';
import { createTestDatabases, storeBackends, type StoreBackend } from '../store/testing.js';
import { s256Challenge, startFakeOAuthProvider, type FakeOAuthProvider, type FakeOAuthProviderOptions } from '../testing/fake-oauth-provider.js';
import { createConnectSessions, type ConnectSessions } from './connect-sessions.js';
import { sessionKeyFrom } from './connect-session-token.js';
import { CONSENT_ERROR_HTTP_STATUS, DEFAULT_STATE_TTL_MS, createConsentFlow, type ConsentFlow, type ConsentFlowOptions } from './consent.js';
import { createPkcePair } from './pkce.js';
import { oauthClientSettings } from './settings.js';
import { stateKeyFrom } from './state.js';
import { createTokenEndpoint } from './token-endpoint.js';
import { readStoredTokens } from './token-storage.js';
import type { OAuthClientSettings, TokenEndpoint } from './types.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const REDIRECT_BASE = 'https://connectd.example.test';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

interface Harness {
  readonly store: Store;
  readonly vault: Vault;
  readonly provider: FakeOAuthProvider;
  flow: ConsentFlow;
  sessions: ConnectSessions;
  readonly logLines: string[];
  /** The flow's clock, epoch ms; tests move it. */
  clock: number;
}

interface HarnessOptions {
  readonly provider?: FakeOAuthProviderOptions;
  /** oauth2 options over the provider's defaults; `{host}`-style templates are allowed. */
  readonly auth?: (provider: FakeOAuthProvider) => Partial<Parameters<typeof oauthClientSettings>[1]>;
  readonly flow?: Partial<ConsentFlowOptions>;
  /** Changes what the token endpoint answers. */
  readonly wrapEndpoint?: (endpoint: TokenEndpoint) => TokenEndpoint;
  /** Other connector names the flow knows (with the same settings). */
  readonly alsoKnown?: readonly string[];
}

async function harness(backend: StoreBackend, options: HarnessOptions = {}): Promise<Harness> {
  const store = await dbs.fresh(backend, { migrate: true });
  const provider = await startFakeOAuthProvider(options.provider);
  const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
  const client: ConnectionClient = createConnectionClient({ name: 'crm:oauth', log: silent });
  closers.push(() => provider.close(), () => client.close());
  const settings: OAuthClientSettings = oauthClientSettings('crm', {
    authorize_url: provider.authorizeUrl,
    token_url: provider.tokenUrl,
    client_id: provider.clientId,
    ...(provider.clientSecret === null ? {} : { client_secret: provider.clientSecret }),
    scopes: ['items.read', 'items.write'],
    ...options.auth?.(provider),
  });
  const keys = new KeyRing(randomBytes(32));
  const vault = createVault(keys);
  const known = new Set(['crm', ...(options.alsoKnown ?? [])]);
  const logLines: string[] = [];
  const h: Harness = {
    store,
    vault,
    provider,
    logLines,
    clock: Date.now(),
    flow: undefined as unknown as ConsentFlow,
    sessions: undefined as unknown as ConnectSessions,
  };
  const settingsFor = (connector: string) => (known.has(connector) ? settings : undefined);
  h.sessions = createConnectSessions({ db: store.db, sessionKey: sessionKeyFrom(keys), settingsFor, publicUrl: REDIRECT_BASE, now: () => h.clock });
  h.flow = createConsentFlow({
    db: store.db,
    vault,
    stateKey: stateKeyFrom(keys),
    sessionKey: sessionKeyFrom(keys),
    log: createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } }),
    settingsFor,
    tokenEndpointFor: (_connector, config) => (options.wrapEndpoint ?? ((e) => e))(createTokenEndpoint(settings, client, config)),
    redirectUriFor: (connector) => `${REDIRECT_BASE}/oauth/${connector}/callback`,
    now: () => h.clock,
    ...options.flow,
  });
  return h;
}

/** Plays the browser: follows the start redirect to the provider and takes the 302 it answers, without following it. */
async function consentAt(h: Harness, location: string): Promise<URLSearchParams> {
  const response = await fetch(location, { redirect: 'manual' });
  await response.body?.cancel();
  expect(response.status).toBe(302);
  const callback = new URL(response.headers.get('location')!);
  expect(`${callback.origin}${callback.pathname}`).toBe(`${REDIRECT_BASE}/oauth/crm/callback`);
  return callback.searchParams;
}

/**
 * What a link used to carry, as a connect session: `tenant`, `connection`, and every other
 * parameter a connection setting. Resolves the start query of the session's link.
 */
async function sessionQuery(h: Harness, link: string | Record<string, string>, connector = 'crm'): Promise<URLSearchParams> {
  const { tenant = '', connection, ...params } = Object.fromEntries(new URLSearchParams(link));
  const { url } = await h.sessions.create({ connector, tenant, connection, params });
  return new URL(url).searchParams;
}

/** Starts the consent of a session made for `link` (see {@link sessionQuery}). */
async function start(h: Harness, link: string | Record<string, string>, connector = 'crm'): Promise<{ location: string; connectionId: string }> {
  return h.flow.start(connector, await sessionQuery(h, link, connector));
}

async function startAndConsent(h: Harness, link = 'tenant=acme'): Promise<URLSearchParams> {
  const { location } = await start(h, link);
  return consentAt(h, location);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isConnectdError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a rejection');
}

async function countRows(store: Store, table: string): Promise<number> {
  const { rows } = await store.db.query<{ n: string }>(`select count(*) as n from connectd_engine.${table}`);
  return Number(rows[0]!.n);
}

describe.each(storeBackends())('OAuth consent flow (%s)', (backend) => {
  it('connects an account: the connection is active and its tokens are stored encrypted', async () => {
    const h = await harness(backend);
    const { location, connectionId } = await start(h, 'tenant=acme');
    expect(connectionId).toBe('crm-acme');
    const authorize = new URL(location);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(h.provider.authorizeUrl);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('client_id')).toBe(h.provider.clientId);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${REDIRECT_BASE}/oauth/crm/callback`);
    expect(authorize.searchParams.get('scope')).toBe('items.read items.write');
    expect(authorize.searchParams.has('code_challenge')).toBe(false);

    const { connection } = await h.flow.callback('crm', await consentAt(h, location));
    expect(connection).toMatchObject({ id: 'crm-acme', connector: 'crm', tenantId: 'acme', status: 'active', statusReason: null });
    expect(await getConnection(h.store.db, 'crm-acme')).toMatchObject({ status: 'active' });

    const [issued] = h.provider.validAccessTokens();
    const tokens = await storedTokens(h);
    expect(tokens?.accessToken).toBe(issued);
    expect(tokens?.refreshToken).toBe(h.provider.validRefreshTokens()[0]);
    expect(tokens?.accessExpiresAt?.getTime()).toBeGreaterThan(h.clock);

    const { rows } = await h.store.db.query<{ ciphertext: Buffer }>(`select ciphertext from connectd_engine.credentials`);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.ciphertext.includes(Buffer.from(issued!))).toBe(false);
      expect(row.ciphertext.includes(Buffer.from(tokens!.refreshToken!))).toBe(false);
    }
    expect(h.provider.tokenRequests[0]!.params['redirect_uri']).toBe(`${REDIRECT_BASE}/oauth/crm/callback`);
    expect(await countRows(h.store, 'oauth_states')).toBe(0);
    const otherKey = createVault(new KeyRing(randomBytes(32)));
    expect(await codeOf(readStoredTokens(h.store.db, otherKey, 'crm-acme'))).toBe('CONNECTD_ERR_VAULT_DECRYPT_FAILED');
    const logged = h.logLines.join('');
    expect(logged).toContain('OAuth connection authorized');
    expect(logged).toContain('"connectionId":"crm-acme"');
    expect(logged).not.toContain(issued!);
    expect(logged).not.toContain(tokens!.refreshToken!);
  });

  it('sends only the PKCE challenge in the URL and the stored verifier in the code exchange', async () => {
    const h = await harness(backend, { provider: { requirePkce: true, clientSecret: null }, auth: () => ({ pkce: true }) });
    const { location } = await start(h, 'tenant=acme');
    const { rows } = await h.store.db.query<{ code_verifier: string }>(`select code_verifier from connectd_engine.oauth_states`);
    const verifier = rows[0]!.code_verifier;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(location).not.toContain(verifier);
    const authorize = new URL(location).searchParams;
    expect(authorize.get('code_challenge')).toBe(s256Challenge(verifier));
    expect(authorize.get('code_challenge_method')).toBe('S256');

    const { connection } = await h.flow.callback('crm', await consentAt(h, location));
    expect(connection.status).toBe('active');
    expect(h.provider.tokenRequests[0]).toMatchObject({ status: 200, params: { code_verifier: verifier } });
    expect(h.provider.tokenRequests[0]!.params['client_secret']).toBeUndefined();
  });

  it('fails the exchange with a wrong verifier and stores nothing', async () => {
    const h = await harness(backend, { provider: { requirePkce: true, clientSecret: null }, auth: () => ({ pkce: true }) });
    const query = await startAndConsent(h);
    const wrong = createPkcePair().verifier;
    await h.store.db.query(`update connectd_engine.oauth_states set code_verifier = $1`, [wrong]);
    const err = await h.flow.callback('crm', query).catch((e: unknown) => e);
    expect(isConnectdError(err, 'CONNECTD_ERR_OAUTH_INVALID_GRANT')).toBe(true);
    const text = JSON.stringify(err) + String((err as Error).message);
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(query.get('code')!);
    expect(h.provider.tokenRequests[0]).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await countRows(h.store, 'connections')).toBe(0);
    expect(await countRows(h.store, 'credentials')).toBe(0);
  });

  it('refuses a tampered state before touching the database, and the real one still works', async () => {
    const h = await harness(backend);
    const query = await startAndConsent(h);
    const state = query.get('state')!;
    const [payload, signature] = state.split('.') as [string, string];
    const flipped = signature.slice(0, 5) + (signature[5] === 'A' ? 'B' : 'A') + signature.slice(6);
    const otherId = Buffer.from(JSON.stringify({ id: 'another-flow-id-000000', exp: h.clock + 60_000 })).toString('base64url');
    for (const forged of [`${payload}.${flipped}`, `${otherId}.${signature}`, `${payload}`, 'not a state', '']) {
      const tampered = new URLSearchParams(query);
      tampered.set('state', forged);
      expect(await codeOf(h.flow.callback('crm', tampered))).toBe('CONNECTD_ERR_OAUTH_STATE_INVALID');
    }
    const missing = new URLSearchParams(query);
    missing.delete('state');
    expect(await codeOf(h.flow.callback('crm', missing))).toBe('CONNECTD_ERR_OAUTH_STATE_INVALID');
    expect(await countRows(h.store, 'connections')).toBe(0);
    expect(await countRows(h.store, 'oauth_states')).toBe(1);
    expect((await h.flow.callback('crm', query)).connection.status).toBe('active');
  });

  it('refuses an expired state, and a later start cleans its row away', async () => {
    const h = await harness(backend);
    const query = await startAndConsent(h);
    h.clock += DEFAULT_STATE_TTL_MS;
    expect(await codeOf(h.flow.callback('crm', query))).toBe('CONNECTD_ERR_OAUTH_STATE_EXPIRED');
    expect(await countRows(h.store, 'connections')).toBe(0);
    h.clock += 1;
    await start(h, 'tenant=acme');
    expect(await countRows(h.store, 'oauth_states')).toBe(1);
  });

  it('accepts a state once: a replayed callback is refused and leaves exactly one connection', async () => {
    const h = await harness(backend);
    const query = await startAndConsent(h);
    await h.flow.callback('crm', query);
    const before = await storedTokens(h);
    expect(await codeOf(h.flow.callback('crm', query))).toBe('CONNECTD_ERR_OAUTH_STATE_USED');
    expect(await listConnections(h.store.db)).toHaveLength(1);
    expect(await countRows(h.store, 'credentials')).toBe(2);
    expect((await storedTokens(h))?.accessToken).toBe(before?.accessToken);
    expect(h.provider.count('authorization_code')).toBe(1);
  });

  it('stores nothing when the user denies, and consumes the state', async () => {
    const h = await harness(backend);
    h.provider.setConsent('deny');
    const query = await startAndConsent(h);
    expect(query.get('error')).toBe('access_denied');
    expect(await codeOf(h.flow.callback('crm', query))).toBe('CONNECTD_ERR_OAUTH_ACCESS_DENIED');
    expect(await countRows(h.store, 'connections')).toBe(0);
    expect(await codeOf(h.flow.callback('crm', query))).toBe('CONNECTD_ERR_OAUTH_STATE_USED');
    expect(CONSENT_ERROR_HTTP_STATUS['CONNECTD_ERR_OAUTH_ACCESS_DENIED']).toBe(403);
  });

  it('reports another vendor error with its code and a cut description, and a callback without a code', async () => {
    const h = await harness(backend);
    const stateOf = async (): Promise<string> =>
      new URL((await start(h, 'tenant=acme')).location).searchParams.get('state')!;
    const vendorError = new URLSearchParams({ state: await stateOf(), error: 'invalid_scope', error_description: 'x'.repeat(1000) });
    const err = await h.flow.callback('crm', vendorError).catch((e: unknown) => e);
    expect(isConnectdError(err, 'CONNECTD_ERR_OAUTH_VENDOR_ERROR')).toBe(true);
    expect((err as { details: { error: string; description: string } }).details.error).toBe('invalid_scope');
    expect((err as { details: { description: string } }).details.description.length).toBeLessThanOrEqual(201);
    expect(await codeOf(h.flow.callback('crm', new URLSearchParams({ state: await stateOf() })))).toBe('CONNECTD_ERR_OAUTH_CALLBACK_INVALID');
    expect(await countRows(h.store, 'connections')).toBe(0);
  });

  it('fills a {placeholder} of the OAuth URLs from the start query and refuses an unsafe or missing value', async () => {
    const h = await harness(backend, {
      auth: () => ({ authorize_url: `http://{host}/oauth/authorize?prompt=consent`, token_url: `http://{host}/oauth/token` }),
    });
    const host = new URL(h.provider.url).host;
    const { location } = await start(h, { tenant: 'acme', host });
    expect(location.startsWith(`${h.provider.authorizeUrl}?`)).toBe(true);
    expect(new URL(location).searchParams.get('prompt')).toBe('consent');
    const { connection } = await h.flow.callback('crm', await consentAt(h, location));
    expect(connection.config).toEqual({ host });

    for (const [query, parameter] of [
      [{ tenant: 'beta', host: 'evil.com/x' }, 'host'],
      [{ tenant: 'beta', host: 'evil.com@127.0.0.1' }, 'host'],
      [{ tenant: 'beta' }, 'host'],
    ] as const) {
      const err = await start(h, query).catch((e: unknown) => e);
      expect(isConnectdError(err, 'CONNECTD_ERR_OAUTH_START_INVALID')).toBe(true);
      expect((err as { details: { parameter: string } }).details.parameter).toBe(parameter);
    }
    // Refused when the session was asked for: no link was made, no flow recorded.
    expect(await countRows(h.store, 'connect_sessions')).toBe(1);
    expect(await countRows(h.store, 'oauth_states')).toBe(0);
  });

  it('refuses a session without a valid tenant, and an unknown connector at session, start and callback', async () => {
    const h = await harness(backend);
    for (const query of ['', 'tenant=', 'tenant=-x', 'tenant=a%2Fb', 'tenant=acme&connection=bad%20id']) {
      expect(await codeOf(start(h, query))).toBe('CONNECTD_ERR_OAUTH_START_INVALID');
    }
    expect(await countRows(h.store, 'connect_sessions')).toBe(0);
    expect(await codeOf(h.sessions.create({ connector: 'nope', tenant: 'acme' }))).toBe('CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR');
    expect(await codeOf(h.flow.start('nope', await sessionQuery(h, 'tenant=acme')))).toBe('CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR');
    const query = await startAndConsent(h);
    expect(await codeOf(h.flow.callback('nope', query))).toBe('CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR');
    expect(await countRows(h.store, 'oauth_states')).toBe(1);
    expect(CONSENT_ERROR_HTTP_STATUS['CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR']).toBe(404);
  });

  it('refuses a state issued for another connector', async () => {
    const h = await harness(backend, { alsoKnown: ['other'] });
    const query = await startAndConsent(h);
    expect(await codeOf(h.flow.callback('other', query))).toBe('CONNECTD_ERR_OAUTH_STATE_INVALID');
    expect(await countRows(h.store, 'connections')).toBe(0);
    expect(h.provider.count('authorization_code')).toBe(0);
  });

  it('reconnects a needs_reauth connection: active again, with new tokens', async () => {
    const h = await harness(backend);
    await h.flow.callback('crm', await startAndConsent(h, 'tenant=acme&region=eu'));
    const first = await storedTokens(h);
    await setConnectionStatus(h.store.db, 'crm-acme', 'needs_reauth', 'CONNECTD_ERR_OAUTH_NEEDS_REAUTH: grant revoked');

    const { connection } = await h.flow.callback('crm', await startAndConsent(h, 'tenant=acme'));
    expect(connection).toMatchObject({ id: 'crm-acme', status: 'active', statusReason: null, config: { region: 'eu' } });
    const second = await storedTokens(h);
    expect(second?.accessToken).not.toBe(first?.accessToken);
    expect(second?.refreshToken).not.toBe(first?.refreshToken);
    expect(h.provider.validAccessTokens()).toContain(second?.accessToken);
    expect(await listConnections(h.store.db)).toHaveLength(1);
  });

  it('drops the refresh token of the old grant when the new grant has none', async () => {
    let dropRefresh = false;
    const h = await harness(backend, {
      wrapEndpoint: (endpoint) => ({
        ...endpoint,
        exchangeCode: async (input) => {
          const tokens = await endpoint.exchangeCode(input);
          return dropRefresh ? { ...tokens, refreshToken: undefined } : tokens;
        },
      }),
    });
    await h.flow.callback('crm', await startAndConsent(h));
    expect((await storedTokens(h))?.refreshToken).toBeDefined();
    dropRefresh = true;
    await h.flow.callback('crm', await startAndConsent(h));
    const tokens = await storedTokens(h);
    expect(tokens?.accessToken).toBe(h.provider.validAccessTokens().at(-1));
    expect(tokens?.refreshToken).toBeUndefined();
  });

  it('refuses to take over a connection id of another tenant', async () => {
    const h = await harness(backend);
    await h.store.db.transaction((tx) => saveConnection(tx, { id: 'shared', connector: 'crm', tenantId: 'other' }));
    expect(await codeOf(start(h, 'tenant=acme&connection=shared'))).toBe('CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT');
    // The same tenant may reconnect it.
    const { connection } = await h.flow.callback('crm', await startAndConsent(h, 'tenant=other&connection=shared'));
    expect(connection).toMatchObject({ id: 'shared', tenantId: 'other', status: 'active' });
  });

  it('stores the vendor account id, and lets a connector check refuse the callback', async () => {
    let refusal: unknown;
    const h = await harness(backend, {
      provider: { extraTokenFields: { account_id: 'acct_42' } },
      auth: () => ({ account_id: '$.account_id' }),
      flow: {
        checkCallback: () => {
          if (refusal !== undefined) throw refusal;
        },
      },
    });
    refusal = new Error('hmac mismatch');
    expect(await codeOf(h.flow.callback('crm', await startAndConsent(h)))).toBe('CONNECTD_ERR_OAUTH_CALLBACK_INVALID');
    refusal = INTERNAL({ message: 'a coded refusal of the plugin' });
    expect(await codeOf(h.flow.callback('crm', await startAndConsent(h)))).toBe('CONNECTD_ERR_INTERNAL');
    expect(h.provider.count('authorization_code')).toBe(0);
    expect(await countRows(h.store, 'connections')).toBe(0);

    refusal = undefined;
    const { connection } = await h.flow.callback('crm', await startAndConsent(h));
    expect(connection.vendorAccountId).toBe('acct_42');
  });

  it("records account_id from a path into the token endpoint's answer", async () => {
    const h = await harness(backend, {
      provider: { extraTokenFields: { merchant_id: 'MLQW2MYBY81PZ', team: { id: 'T042' } } },
      auth: () => ({ account_id: '$.merchant_id' }),
    });
    const { connection } = await h.flow.callback('crm', await startAndConsent(h));
    expect(connection.vendorAccountId).toBe('MLQW2MYBY81PZ');
    expect((await getConnection(h.store.db, 'crm-acme'))?.vendorAccountId).toBe('MLQW2MYBY81PZ');

    const nested = await harness(backend, { provider: { extraTokenFields: { team: { id: 'T042' } } }, auth: () => ({ account_id: '$.team.id' }) });
    expect((await nested.flow.callback('crm', await startAndConsent(nested))).connection.vendorAccountId).toBe('T042');
  });

  it('records account_id from a connection setting (param:), and refuses a start without it before the vendor is visited', async () => {
    const h = await harness(backend, { auth: () => ({ account_id: 'param:shop' }) });
    const err = await start(h, 'tenant=acme').catch((e: unknown) => e);
    expect(isConnectdError(err, 'CONNECTD_ERR_OAUTH_START_INVALID')).toBe(true);
    expect((err as { details: { parameter: string } }).details.parameter).toBe('shop');
    expect(await countRows(h.store, 'oauth_states')).toBe(0);

    const { connection } = await h.flow.callback('crm', await startAndConsent(h, 'tenant=acme&shop=acme.myshopify.com'));
    expect(connection).toMatchObject({ vendorAccountId: 'acme.myshopify.com', config: { shop: 'acme.myshopify.com' } });
    // A reconnect keeps the setting, and with it the account id.
    expect((await h.flow.callback('crm', await startAndConsent(h, 'tenant=acme'))).connection.vendorAccountId).toBe('acme.myshopify.com');
  });

  it('fails the consent with a coded error naming the field when the answer lacks the declared account id, and stores nothing', async () => {
    for (const [fields, accountId] of [
      [{}, '$.merchant_id'],
      [{ merchant_id: '' }, '$.merchant_id'],
      [{ merchant_id: { id: 'M' } }, '$.merchant_id'],
      [{ merchant_id: 'M'.repeat(256) }, '$.merchant_id'],
      // A field whose name looks like a secret is never read, so an account id is never a token.
      [{ data: { session_key: 'not-an-id' } }, '$.data.session_key'],
    ] as const) {
      const h = await harness(backend, { provider: { extraTokenFields: fields }, auth: () => ({ account_id: accountId }) });
      const query = await startAndConsent(h);
      const err = await h.flow.callback('crm', query).catch((e: unknown) => e);
      expect(isConnectdError(err, 'CONNECTD_ERR_OAUTH_ACCOUNT_ID_MISSING')).toBe(true);
      expect((err as Error).message).toContain(accountId);
      const [issued] = h.provider.validAccessTokens();
      expect(JSON.stringify(err) + (err as Error).message).not.toContain(issued!);
      expect(h.provider.count('authorization_code')).toBe(1);
      expect(await countRows(h.store, 'connections')).toBe(0);
      expect(await countRows(h.store, 'credentials')).toBe(0);
      expect(await codeOf(h.flow.callback('crm', query))).toBe('CONNECTD_ERR_OAUTH_STATE_USED');
    }
    expect(CONSENT_ERROR_HTTP_STATUS['CONNECTD_ERR_OAUTH_ACCOUNT_ID_MISSING']).toBe(502);
  });
});

function storedTokens(h: Harness): ReturnType<typeof readStoredTokens> {
  return readStoredTokens(h.store.db, h.vault, 'crm-acme');
}
