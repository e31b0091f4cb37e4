import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyRing, createVault, type OAuth2Options } from '../auth/index.js';
import { isConnectdError } from '../errors/index.js';
import { createConnectionClient } from '../http/index.js';
import { createLogger } from '../log/index.js';
import { getConnection, listConnections, saveConnection, type Store } from '../store/index.js';
import { createTestDatabases, storeBackends, type StoreBackend } from '../store/testing.js';
import { startFakeOAuthProvider, type FakeOAuthProvider } from '../testing/fake-oauth-provider.js';
import { DEFAULT_SESSION_TTL_SECONDS, MAX_SESSION_TTL_SECONDS, createConnectSessions, type ConnectSessionRequest, type ConnectSessions } from './connect-sessions.js';
import { sessionKeyFrom } from './connect-session-token.js';
import { createConsentFlow, type ConsentFlow } from './consent.js';
import { oauthClientSettings } from './settings.js';
import { stateKeyFrom } from './state.js';
import { createTokenEndpoint } from './token-endpoint.js';
import type { OAuthClientSettings } from './types.js';

// Connect sessions (issue 13): a consent starts only from a link made for one tenant, once,
// before it expires; its tenant, connection and settings come from the session alone.

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const PUBLIC_URL = 'https://connectd.example.test';
const SHOP_PARAMS: NonNullable<OAuth2Options['params']> = { shop: { pattern: '^[a-z0-9][a-z0-9-]*\\.myshopify\\.com$', lowercase: true, required: true } };

interface Harness {
  readonly store: Store;
  readonly provider: FakeOAuthProvider;
  sessions: ConnectSessions;
  flow: ConsentFlow;
  /** The clock of sessions and flow, epoch ms; tests move it. */
  clock: number;
}

/** Sessions and the consent flow of `crm` (no declared params) and `shop` (a declared, required shop), on one key. */
async function harness(backend: StoreBackend): Promise<Harness> {
  const store = await dbs.fresh(backend, { migrate: true });
  const provider = await startFakeOAuthProvider();
  const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
  const client = createConnectionClient({ name: 'oauth', log: silent });
  closers.push(() => provider.close(), () => client.close());
  const base = { authorize_url: provider.authorizeUrl, token_url: provider.tokenUrl, client_id: provider.clientId, client_secret: provider.clientSecret! };
  const settings = new Map<string, OAuthClientSettings>([
    ['crm', oauthClientSettings('crm', base)],
    ['shop', oauthClientSettings('shop', { ...base, authorize_url: `${provider.authorizeUrl}?shop={shop}`, params: SHOP_PARAMS, account_id: 'param:shop' })],
  ]);
  const keys = new KeyRing(randomBytes(32));
  const h = { store, provider, clock: Date.now() } as Harness;
  const settingsFor = (connector: string) => settings.get(connector);
  h.sessions = createConnectSessions({ db: store.db, sessionKey: sessionKeyFrom(keys), settingsFor, publicUrl: `${PUBLIC_URL}/`, now: () => h.clock });
  h.flow = createConsentFlow({
    db: store.db,
    vault: createVault(keys),
    stateKey: stateKeyFrom(keys),
    sessionKey: sessionKeyFrom(keys),
    log: silent,
    settingsFor,
    tokenEndpointFor: (connector, config) => createTokenEndpoint(settings.get(connector)!, client, config),
    redirectUriFor: (connector) => `${PUBLIC_URL}/oauth/${connector}/callback`,
    now: () => h.clock,
  });
  return h;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (isConnectdError(err)) return err.code;
  throw new Error(`expected a coded rejection, got ${String(err)}`);
}

async function count(store: Store, table: string, where = 'true'): Promise<number> {
  const { rows } = await store.db.query<{ n: string }>(`select count(*) as n from connectd_engine.${table} where ${where}`);
  return Number(rows[0]!.n);
}

/** Makes a session and resolves its link's query, the way the user's browser will send it. */
async function linkQuery(h: Harness, request: ConnectSessionRequest): Promise<URLSearchParams> {
  return new URL((await h.sessions.create(request)).url).searchParams;
}

/** The whole consent of a link: start, the vendor approves, callback. */
async function connectThrough(h: Harness, connector: string, query: URLSearchParams) {
  const { location } = await h.flow.start(connector, query);
  return h.flow.callback(connector, new URL(await h.provider.visitAuthorizeUrl(location)).searchParams);
}

describe.each(storeBackends())('connect sessions (%s)', (backend) => {
  it('makes a single-use link for one tenant, valid 30 minutes by default, and records it', async () => {
    const h = await harness(backend);
    const issued = await h.sessions.create({ connector: 'shop', tenant: 'acme', params: { shop: 'Acme.MyShopify.com' } });
    const url = new URL(issued.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/oauth/shop/start`);
    expect([...url.searchParams.keys()]).toEqual(['session']);
    expect(url.searchParams.get('session')).toBe(issued.token);
    expect(issued.expiresAt.getTime()).toBe(h.clock + DEFAULT_SESSION_TTL_SECONDS * 1000);
    expect(issued.connectionId).toBe('shop-acme');
    const { rows } = await h.store.db.query<Record<string, unknown>>(`select connector, tenant_id, connection_id, params, used_at from connectd_engine.connect_sessions`);
    // Normalised now: the consent uses exactly what was checked.
    expect(rows).toEqual([{ connector: 'shop', tenant_id: 'acme', connection_id: 'shop-acme', params: { shop: 'acme.myshopify.com' }, used_at: null }]);
    expect(issued.url).not.toContain('acme');

    const long = await h.sessions.create({ connector: 'crm', tenant: 'acme', expiresInSeconds: MAX_SESSION_TTL_SECONDS });
    expect(long.expiresAt.getTime()).toBe(h.clock + 86_400_000);
    for (const expiresInSeconds of [MAX_SESSION_TTL_SECONDS + 1, 59, 0, -5, 1.5, Number.NaN]) {
      expect(await codeOf(h.sessions.create({ connector: 'crm', tenant: 'acme', expiresInSeconds })), String(expiresInSeconds)).toBe('CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID');
    }
  });

  it('checks the declared params, ids and the connection when the session is asked for: a bad shop gets no link', async () => {
    const h = await harness(backend);
    for (const [request, code] of [
      [{ connector: 'shop', tenant: 'acme', params: { shop: 'evil.example' } }, 'CONNECTD_ERR_OAUTH_START_INVALID'],
      [{ connector: 'shop', tenant: 'acme', params: { shop: 'acme.myshopify.com.evil.example' } }, 'CONNECTD_ERR_OAUTH_START_INVALID'],
      [{ connector: 'shop', tenant: 'acme' }, 'CONNECTD_ERR_OAUTH_START_INVALID'],
      [{ connector: 'shop', tenant: 'acme', params: { shop: 'acme.myshopify.com', region: 'eu' } }, 'CONNECTD_ERR_OAUTH_START_INVALID'],
      [{ connector: 'crm', tenant: 'bad tenant' }, 'CONNECTD_ERR_OAUTH_START_INVALID'],
      [{ connector: 'crm', tenant: 'acme', connection: '../x' }, 'CONNECTD_ERR_OAUTH_START_INVALID'],
      [{ connector: 'nope', tenant: 'acme' }, 'CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR'],
    ] as const) {
      expect(await codeOf(h.sessions.create(request)), JSON.stringify(request)).toBe(code);
    }
    // Another tenant's connection: refused now rather than at the consent.
    await h.store.db.transaction((tx) => saveConnection(tx, { id: 'crm-b', connector: 'crm', tenantId: 'tenant-b' }));
    expect(await codeOf(h.sessions.create({ connector: 'crm', tenant: 'tenant-a', connection: 'crm-b' }))).toBe('CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT');
    expect(await count(h.store, 'connect_sessions')).toBe(0);
    expect(h.provider.server.requests).toHaveLength(0);
  });

  it('connects the tenant the session names, and nobody else, once', async () => {
    const h = await harness(backend);
    const query = await linkQuery(h, { connector: 'shop', tenant: 'acme', params: { shop: 'acme.myshopify.com' } });
    const { connection } = await connectThrough(h, 'shop', query);
    expect(connection).toMatchObject({ id: 'shop-acme', tenantId: 'acme', config: { shop: 'acme.myshopify.com' }, status: 'active' });
    expect(await count(h.store, 'connect_sessions', 'used_at is not null')).toBe(1);

    // The same link again: refused before the vendor is visited, nothing stored.
    const authorizeVisits = h.provider.authorizeRequests.length;
    expect(await codeOf(h.flow.start('shop', query))).toBe('CONNECTD_ERR_OAUTH_SESSION_USED');
    expect(h.provider.authorizeRequests).toHaveLength(authorizeVisits);
    expect(await count(h.store, 'oauth_states')).toBe(0);
  });

  it('lets exactly one of several simultaneous starts with the same link through', async () => {
    const h = await harness(backend);
    const query = await linkQuery(h, { connector: 'crm', tenant: 'acme' });
    const results = await Promise.allSettled([h.flow.start('crm', query), h.flow.start('crm', query), h.flow.start('crm', query)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(isConnectdError(r.reason, 'CONNECTD_ERR_OAUTH_SESSION_USED')).toBe(true);
    expect(await count(h.store, 'oauth_states')).toBe(1);
  });

  it('refuses a start without a session, with anything beside it, tampered, expired or for another connector: nothing stored', async () => {
    const h = await harness(backend);
    const query = await linkQuery(h, { connector: 'crm', tenant: 'acme' });
    const token = query.get('session')!;
    const [payload, signature] = token.split('.') as [string, string];
    const refusals: Array<[URLSearchParams, string, string]> = [
      [new URLSearchParams('tenant=acme'), 'crm', 'CONNECTD_ERR_OAUTH_SESSION_REQUIRED'],
      [new URLSearchParams(''), 'crm', 'CONNECTD_ERR_OAUTH_SESSION_REQUIRED'],
      [new URLSearchParams({ session: token, tenant: 'other' }), 'crm', 'CONNECTD_ERR_OAUTH_START_INVALID'],
      [new URLSearchParams({ session: token, connection: 'crm-other' }), 'crm', 'CONNECTD_ERR_OAUTH_START_INVALID'],
      [new URLSearchParams({ session: token, host: 'evil.example' }), 'crm', 'CONNECTD_ERR_OAUTH_START_INVALID'],
      [new URLSearchParams({ session: `${payload}.${signature.slice(0, -2)}AA` }), 'crm', 'CONNECTD_ERR_OAUTH_SESSION_INVALID'],
      [new URLSearchParams({ session: `${Buffer.from(JSON.stringify({ id: 'guessed', exp: h.clock + 60_000 })).toString('base64url')}.${signature}` }), 'crm', 'CONNECTD_ERR_OAUTH_SESSION_INVALID'],
      [new URLSearchParams({ session: token }), 'shop', 'CONNECTD_ERR_OAUTH_SESSION_INVALID'],
    ];
    for (const [refused, connector, code] of refusals) expect(await codeOf(h.flow.start(connector, refused)), refused.toString()).toBe(code);
    h.clock += DEFAULT_SESSION_TTL_SECONDS * 1000;
    expect(await codeOf(h.flow.start('crm', query))).toBe('CONNECTD_ERR_OAUTH_SESSION_EXPIRED');
    expect(await count(h.store, 'oauth_states')).toBe(0);
    expect(await count(h.store, 'connect_sessions', 'used_at is not null')).toBe(0);
    expect(h.provider.server.requests).toHaveLength(0);

    // Refusals spend nothing: before its expiry the link would still have worked.
    h.clock -= 1;
    expect((await h.flow.start('crm', query)).connectionId).toBe('crm-acme');
  });

  it('refuses a link whose stored session expired or was unknown, even with a valid signature', async () => {
    const h = await harness(backend);
    const query = await linkQuery(h, { connector: 'crm', tenant: 'acme' });
    await h.store.db.query(`update connectd_engine.connect_sessions set expires_at = $1`, [new Date(h.clock - 1)]);
    expect(await codeOf(h.flow.start('crm', query))).toBe('CONNECTD_ERR_OAUTH_SESSION_EXPIRED');
    await h.store.db.query(`delete from connectd_engine.connect_sessions`);
    expect(await codeOf(h.flow.start('crm', query))).toBe('CONNECTD_ERR_OAUTH_SESSION_INVALID');
    expect(await count(h.store, 'oauth_states')).toBe(0);
  });

  it("never lets tenant A's session create or replace tenant B's connection", async () => {
    const h = await harness(backend);
    const forB = await connectThrough(h, 'crm', await linkQuery(h, { connector: 'crm', tenant: 'tenant-b' }));
    expect(forB.connection).toMatchObject({ id: 'crm-tenant-b', tenantId: 'tenant-b' });
    const bTokens = h.provider.validAccessTokens();

    // A's session names A: the tenant and connection in the query are refused, not taken.
    const forA = await linkQuery(h, { connector: 'crm', tenant: 'tenant-a' });
    const tampered = new URLSearchParams(forA);
    tampered.set('tenant', 'tenant-b');
    tampered.set('connection', 'crm-tenant-b');
    expect(await codeOf(h.flow.start('crm', tampered))).toBe('CONNECTD_ERR_OAUTH_START_INVALID');

    // A session made for A on a connection id B takes after it was made: refused at the start, unused.
    const early = await linkQuery(h, { connector: 'crm', tenant: 'tenant-a', connection: 'shared' });
    await h.store.db.transaction((tx) => saveConnection(tx, { id: 'shared', connector: 'crm', tenantId: 'tenant-b' }));
    expect(await codeOf(h.flow.start('crm', early))).toBe('CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT');
    expect(await count(h.store, 'connect_sessions', 'used_at is not null')).toBe(1);

    const { connection } = await connectThrough(h, 'crm', forA);
    expect(connection).toMatchObject({ id: 'crm-tenant-a', tenantId: 'tenant-a' });
    expect(await getConnection(h.store.db, 'crm-tenant-b')).toMatchObject({ tenantId: 'tenant-b', status: 'active' });
    expect((await listConnections(h.store.db)).map((c) => [c.id, c.tenantId]).sort()).toEqual([
      ['crm-tenant-a', 'tenant-a'],
      ['crm-tenant-b', 'tenant-b'],
      ['shared', 'tenant-b'],
    ]);
    expect(h.provider.validAccessTokens()).toEqual(expect.arrayContaining(bTokens));
  });

  it("checks a reconnect's stored settings again at the start, leaving the session unused when they fail", async () => {
    const h = await harness(backend);
    await connectThrough(h, 'shop', await linkQuery(h, { connector: 'shop', tenant: 'acme', params: { shop: 'acme.myshopify.com' } }));
    // A reconnect link without the shop uses the stored one.
    const reconnect = await linkQuery(h, { connector: 'shop', tenant: 'acme' });
    await h.store.db.query(`update connectd_engine.connections set config = '{"shop":"acme.example:8443"}'::jsonb where id = 'shop-acme'`);
    expect(await codeOf(h.flow.start('shop', reconnect))).toBe('CONNECTD_ERR_OAUTH_START_INVALID');
    expect(await count(h.store, 'connect_sessions', 'used_at is null')).toBe(1);
    await h.store.db.query(`update connectd_engine.connections set config = '{"shop":"acme.myshopify.com"}'::jsonb where id = 'shop-acme'`);
    expect((await connectThrough(h, 'shop', reconnect)).connection).toMatchObject({ id: 'shop-acme', config: { shop: 'acme.myshopify.com' } });
  });
});
