import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyRing, createVault } from '../../auth/index.js';
import { createLogger } from '../../log/index.js';
import { createOAuthServices, oauthClientSettings, type OAuthServices } from '../../oauth/index.js';
import { saveConnection, type Store } from '../../store/index.js';
import { createTestDatabases } from '../../store/testing.js';
import { startFakeOAuthProvider, type FakeOAuthProvider } from '../../testing/fake-oauth-provider.js';
import { connectSessionRoutes, parseConnectSessionRequest } from './connect-session-routes.js';
import { createMetrics } from './metrics.js';
import { oauthRoutes } from './oauth-routes.js';
import { buildHttpServer } from './server.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const ADMIN_TOKEN = 'adm1n-connect-session-routes-7d1f';
const PUBLIC_URL = 'https://connect.example.test';
const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

/** The daemon's admin API and OAuth routes over a real store, with the OAuth services the daemon composes. */
async function server(): Promise<{ app: ReturnType<typeof buildHttpServer>; store: Store; provider: FakeOAuthProvider; oauth: OAuthServices }> {
  const store = await dbs.fresh('pglite', { migrate: true });
  const provider = await startFakeOAuthProvider();
  const keys = new KeyRing(randomBytes(32));
  const settings = oauthClientSettings('crm', {
    authorize_url: provider.authorizeUrl,
    token_url: provider.tokenUrl,
    client_id: provider.clientId,
    client_secret: provider.clientSecret!,
    params: { region: { pattern: '^(eu|us)$' } },
  });
  const oauth = createOAuthServices({ connectors: [{ settings }], db: store.db, vault: { vault: createVault(keys), keys }, log: silent, publicUrl: PUBLIC_URL });
  const app = buildHttpServer({
    log: silent,
    metrics: createMetrics('0.0.0-test'),
    adminToken: ADMIN_TOKEN,
    isReady: async () => true,
    status: async () => ({}),
    routes: [oauthRoutes({ consent: oauth.consent, log: silent, onConnected: async () => undefined })],
    apiRoutes: [connectSessionRoutes(oauth.sessions)],
  });
  closers.push(
    () => app.close(),
    () => oauth.close(),
    () => provider.close(),
  );
  return { app, store, provider, oauth };
}

/** `token: null` sends no Authorization header. */
const post = (app: ReturnType<typeof buildHttpServer>, body: unknown, token: string | null = ADMIN_TOKEN) =>
  app.inject({
    method: 'POST',
    url: '/api/connect-sessions',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    payload: JSON.stringify(body),
  });

async function sessionsIn(store: Store): Promise<number> {
  const { rows } = await store.db.query<{ n: string }>(`select count(*) as n from connectd_engine.connect_sessions`);
  return Number(rows[0]!.n);
}

describe('POST /api/connect-sessions and the start route', () => {
  it('answers 201 with the link, its token and expiry, behind the admin bearer only', async () => {
    const { app, store } = await server();
    const before = Date.now();
    const created = await post(app, { connector: 'crm', tenant: 'acme', params: { region: 'eu' }, expires_in: 600 });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const body = created.json<{ url: string; token: string; expires_at: string; connection: string }>();
    expect(body.url).toBe(`${PUBLIC_URL}/oauth/crm/start?session=${body.token}`);
    expect(body.connection).toBe('crm-acme');
    const expiresAt = Date.parse(body.expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);

    for (const token of [null, 'wrong', '', `${ADMIN_TOKEN}x`]) {
      const refused = await post(app, { connector: 'crm', tenant: 'acme' }, token);
      expect(refused.statusCode).toBe(401);
    }
    expect(await sessionsIn(store)).toBe(1);
  });

  it('refuses a bad request with a coded 400, an unknown connector with 404, another tenant’s connection with 409', async () => {
    const { app, store } = await server();
    await store.db.transaction((tx) => saveConnection(tx, { id: 'crm-b', connector: 'crm', tenantId: 'tenant-b' }));
    const cases: Array<[unknown, number, string]> = [
      [[], 400, 'CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID'],
      [{ tenant: 'acme' }, 400, 'CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID'],
      [{ connector: 'crm', tenant: 'acme', extra: 1 }, 400, 'CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID'],
      [{ connector: 'crm', tenant: 'acme', params: { region: 1 } }, 400, 'CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID'],
      [{ connector: 'crm', tenant: 'acme', expires_in: '30m' }, 400, 'CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID'],
      [{ connector: 'crm', tenant: 'acme', expires_in: 86_401 }, 400, 'CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID'],
      [{ connector: 'crm', tenant: 'acme', params: { region: 'mars' } }, 400, 'CONNECTD_ERR_OAUTH_START_INVALID'],
      [{ connector: 'crm', tenant: 'a b' }, 400, 'CONNECTD_ERR_OAUTH_START_INVALID'],
      [{ connector: 'nope', tenant: 'acme' }, 404, 'CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR'],
      [{ connector: 'crm', tenant: 'tenant-a', connection: 'crm-b' }, 409, 'CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await post(app, body);
      expect([answer.statusCode, answer.json<{ code: string }>().code], JSON.stringify(body)).toEqual([status, code]);
      expect(answer.json<{ message: string }>().message.length).toBeGreaterThan(20);
    }
    expect(await sessionsIn(store)).toBe(0);
  });

  it('starts a consent from the link once; a link without a session is a 401 page saying how links are made', async () => {
    const { app, store, provider } = await server();
    const old = await app.inject({ method: 'GET', url: '/oauth/crm/start?tenant=acme&region=eu' });
    expect(old.statusCode).toBe(401);
    expect(old.headers['location']).toBeUndefined();
    expect(old.headers['content-type']).toContain('text/html');
    expect(old.body).toContain('CONNECTD_ERR_OAUTH_SESSION_REQUIRED');
    expect(old.body).toContain('connectd connect');
    expect(old.body).toContain('POST /api/connect-sessions');

    const { url } = (await post(app, { connector: 'crm', tenant: 'acme', params: { region: 'eu' } })).json<{ url: string }>();
    const path = url.slice(PUBLIC_URL.length);
    const beside = await app.inject({ method: 'GET', url: `${path}&tenant=other` });
    expect([beside.statusCode, beside.headers['location']]).toEqual([400, undefined]);
    expect(beside.body).toContain('CONNECTD_ERR_OAUTH_START_INVALID');

    const started = await app.inject({ method: 'GET', url: path });
    expect(started.statusCode).toBe(302);
    expect(started.headers['location']).toMatch(new RegExp(`^${provider.authorizeUrl}\\?`));
    const replayed = await app.inject({ method: 'GET', url: path });
    expect([replayed.statusCode, replayed.headers['location']]).toEqual([401, undefined]);
    expect(replayed.body).toContain('CONNECTD_ERR_OAUTH_SESSION_USED');

    const tampered = await app.inject({ method: 'GET', url: `${path.slice(0, -3)}abc` });
    expect([tampered.statusCode, tampered.headers['location']]).toEqual([401, undefined]);
    expect(tampered.body).toContain('CONNECTD_ERR_OAUTH_SESSION_INVALID');
    const { rows } = await store.db.query<{ n: string }>(`select count(*) as n from connectd_engine.oauth_states`);
    expect(Number(rows[0]!.n)).toBe(1);
    expect(provider.server.requests).toHaveLength(0);
  });
});

describe('parseConnectSessionRequest', () => {
  it('reads the body into a request, expires_in in seconds', () => {
    expect(parseConnectSessionRequest({ connector: 'shopify', tenant: 'acme', connection: 'main', params: { shop: 'acme.myshopify.com' }, expires_in: 600 })).toEqual({
      connector: 'shopify',
      tenant: 'acme',
      connection: 'main',
      params: { shop: 'acme.myshopify.com' },
      expiresInSeconds: 600,
    });
    expect(parseConnectSessionRequest({ connector: 'square', tenant: 'acme' })).toEqual({ connector: 'square', tenant: 'acme', connection: undefined, params: {}, expiresInSeconds: undefined });
  });
});
