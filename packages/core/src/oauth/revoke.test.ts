import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyRing, createVault, type OAuth2Options } from '../auth/index.js';
import { createLogger } from '../log/index.js';
import { saveConnection, type ConnectionRecord, type Store } from '../store/index.js';
import { createTestDatabases } from '../store/testing.js';
import { createFakeHttpServer, reply, type FakeHttpServer } from '../testing/fake-http-server.js';
import { createOAuthServices, type OAuthServices } from './services.js';
import { oauthClientSettings } from './settings.js';
import { saveTokenSet } from './token-storage.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const CLIENT_SECRET = 'sq0csp-client-secret-9f3c';
const ACCESS_TOKEN = 'EAAAl-access-token-5d1e';
const REFRESH_TOKEN = 'EQAAl-refresh-token-7a2b';

interface Harness {
  readonly vendor: FakeHttpServer;
  readonly store: Store;
  readonly oauth: OAuthServices;
  /** Every log line written, the HTTP client's request log included. */
  logText(): string;
  /** Stores a connection of `sq` with tokens, as a consent would. */
  connect(input?: { readonly refreshToken?: string | null; readonly config?: Record<string, unknown>; readonly vendorAccountId?: string }): Promise<ConnectionRecord>;
}

async function harness(auth: (vendor: FakeHttpServer) => Partial<OAuth2Options>, options: { readonly revokeTimeoutMs?: number } = {}): Promise<Harness> {
  const vendor = await createFakeHttpServer();
  const store = await dbs.fresh('pglite', { migrate: true });
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const keys = new KeyRing(randomBytes(32));
  const vault = createVault(keys);
  const settings = oauthClientSettings('sq', {
    authorize_url: `${vendor.url}/oauth2/authorize`,
    token_url: `${vendor.url}/oauth2/token`,
    client_id: 'sq0idp-client',
    client_secret: CLIENT_SECRET,
    ...auth(vendor),
  });
  const oauth = createOAuthServices({
    connectors: [{ settings }],
    db: store.db,
    vault: { vault, keys },
    log: createLogger({ level: 'debug', destination }),
    publicUrl: 'https://connectd.example.test',
    ...options,
  });
  closers.push(() => oauth.close(), () => vendor.close());
  return {
    vendor,
    store,
    oauth,
    logText: () => text,
    async connect(input = {}) {
      return store.db.transaction(async (tx) => {
        const saved = await saveConnection(tx, { id: 'sq-acme', connector: 'sq', tenantId: 'acme', config: input.config ?? {}, vendorAccountId: input.vendorAccountId ?? null });
        const refreshToken = input.refreshToken === undefined ? REFRESH_TOKEN : (input.refreshToken ?? undefined);
        await saveTokenSet(tx, vault, saved.id, { accessToken: ACCESS_TOKEN, refreshToken, expiresAt: null, extra: {} });
        return saved;
      });
    },
  };
}

function expectNoSecrets(text: string): void {
  for (const secret of [ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET]) expect(text).not.toContain(secret);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('token revocation at delete', () => {
  it("sends Square's revoke request: POST, Authorization: Client <secret>, a JSON body with the client id and the stored access token", async () => {
    const h = await harness((vendor) => ({
      token_request_format: 'json',
      revoke: {
        url: `${vendor.url}/oauth2/revoke`,
        headers: { Authorization: 'Client {client_secret}' },
        body: { client_id: '{client_id}', access_token: '{access_token}' },
      },
    }));
    h.vendor.route('POST', '/oauth2/revoke', reply.json({ success: true }));
    const connection = await h.connect();

    expect(await h.oauth.revoke('sq', connection)).toEqual({ outcome: 'revoked', status: 200 });
    const [sent] = h.vendor.requestsTo('POST', '/oauth2/revoke');
    expect(sent?.headers.authorization).toBe(`Client ${CLIENT_SECRET}`);
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.json()).toEqual({ client_id: 'sq0idp-client', access_token: ACCESS_TOKEN });
    expect(h.logText()).toContain('OAuth tokens revoked at the vendor');
    expect(h.logText()).toContain('"connection":"sq-acme"');
    expectNoSecrets(h.logText());
  });

  it('sends a form body, a DELETE, the URL filled from the config and {account_id} from the connection', async () => {
    const h = await harness(() => ({
      revoke: { url: 'http://{host}/admin/revoke', method: 'DELETE', format: 'form', headers: { 'X-Merchant': '{account_id}' }, body: { token: '{refresh_token}' } },
    }));
    h.vendor.route('DELETE', '/admin/revoke', reply.status(204));
    const connection = await h.connect({ config: { host: new URL(h.vendor.url).host }, vendorAccountId: 'MLQW2MYBY81PZ' });

    expect(await h.oauth.revoke('sq', connection)).toEqual({ outcome: 'revoked', status: 204 });
    const [sent] = h.vendor.requestsTo('DELETE', '/admin/revoke');
    expect(sent?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent?.headers['x-merchant']).toBe('MLQW2MYBY81PZ');
    expect(Object.fromEntries(new URLSearchParams(sent!.text()))).toEqual({ token: REFRESH_TOKEN });
  });

  it('sends no body for body: {}, the token going in a header', async () => {
    const h = await harness((vendor) => ({ revoke: { url: `${vendor.url}/api_permissions/current.json`, method: 'DELETE', headers: { 'X-Access-Token': '{access_token}' }, body: {} } }));
    h.vendor.route('DELETE', '/api_permissions/current.json', reply.status(200));
    expect((await h.oauth.revoke('sq', await h.connect())).outcome).toBe('revoked');
    const [sent] = h.vendor.requestsTo('DELETE', '/api_permissions/current.json');
    expect(sent?.headers['x-access-token']).toBe(ACCESS_TOKEN);
    expect(sent?.body.length).toBe(0);
    expect(sent?.headers['content-type']).toBeUndefined();
  });

  it("sends RFC 7009's request without a declared body: the refresh token (else the access token), its hint, and the client authenticated as at the token endpoint", async () => {
    const basic = await harness((vendor) => ({ client_auth: 'basic', revoke: { url: `${vendor.url}/oauth2/revoke` } }));
    basic.vendor.route('POST', '/oauth2/revoke', reply.status(200));
    await basic.oauth.revoke('sq', await basic.connect());
    const [withBasic] = basic.vendor.requestsTo('POST', '/oauth2/revoke');
    expect(withBasic?.headers.authorization).toBe(`Basic ${Buffer.from(`sq0idp-client:${CLIENT_SECRET}`).toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(withBasic!.text()))).toEqual({ token: REFRESH_TOKEN, token_type_hint: 'refresh_token' });

    const inBody = await harness((vendor) => ({ revoke: { url: `${vendor.url}/oauth2/revoke` } }));
    inBody.vendor.route('POST', '/oauth2/revoke', reply.status(200));
    await inBody.oauth.revoke('sq', await inBody.connect({ refreshToken: null }));
    const [withBody] = inBody.vendor.requestsTo('POST', '/oauth2/revoke');
    expect(withBody?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(withBody!.text()))).toEqual({
      token: ACCESS_TOKEN,
      token_type_hint: 'access_token',
      client_id: 'sq0idp-client',
      client_secret: CLIENT_SECRET,
    });
  });

  it('reports a refusal as failed and logs a warning with the connection id and status, never a token or secret', async () => {
    const h = await harness((vendor) => ({ revoke: { url: `${vendor.url}/oauth2/revoke`, body: { access_token: '{access_token}', secret: '{client_secret}' } } }));
    h.vendor.route('POST', '/oauth2/revoke', reply.json({ error: 'server_error', echoed: ACCESS_TOKEN }, 500));
    const outcome = await h.oauth.revoke('sq', await h.connect());
    expect(outcome).toMatchObject({ outcome: 'failed', status: 500 });
    const warning = h.logText().split('\n').find((line) => line.includes('CONNECTD_ERR_OAUTH_REVOKE_FAILED'));
    expect(JSON.parse(warning!)).toMatchObject({ level: 40, connection: 'sq-acme', connector: 'sq', status: 500 });
    expectNoSecrets(h.logText());
    expectNoSecrets(JSON.stringify(outcome));
  });

  it('reports a refused connection as failed, logged', async () => {
    const port = await closedPort();
    const h = await harness(() => ({ revoke: { url: `http://127.0.0.1:${port}/oauth2/revoke`, body: { access_token: '{access_token}' } } }));
    const outcome = await h.oauth.revoke('sq', await h.connect());
    expect(outcome).toEqual({ outcome: 'failed', reason: expect.stringContaining('CONNECTD_ERR_HTTP_') });
    expect(h.logText()).toContain('CONNECTD_ERR_OAUTH_REVOKE_FAILED');
    expectNoSecrets(h.logText());
  });

  it('gives up after the timeout when the vendor does not answer', async () => {
    const h = await harness((vendor) => ({ revoke: { url: `${vendor.url}/oauth2/revoke` } }), { revokeTimeoutMs: 200 });
    h.vendor.route('POST', '/oauth2/revoke', reply.hang());
    const started = Date.now();
    expect(await h.oauth.revoke('sq', await h.connect())).toEqual({ outcome: 'failed', reason: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.logText()).toContain('no answer within 200 ms');
  });

  it('skips a connector without revoke or a connection without tokens, and fails one lacking a value its request needs, sending nothing', async () => {
    const none = await harness(() => ({}));
    expect(await none.oauth.revoke('sq', await none.connect())).toMatchObject({ outcome: 'skipped' });
    expect(await none.oauth.revoke('other', await none.connect())).toMatchObject({ outcome: 'skipped' });

    const h = await harness((vendor) => ({ revoke: { url: `${vendor.url}/oauth2/revoke`, body: { token: '{refresh_token}' } } }));
    const bare = await h.store.db.transaction((tx) => saveConnection(tx, { id: 'sq-bare', connector: 'sq', tenantId: 'bare' }));
    expect(await h.oauth.revoke('sq', bare)).toMatchObject({ outcome: 'skipped' });
    expect(await h.oauth.revoke('sq', await h.connect({ refreshToken: null }))).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('{refresh_token}') });
    expect(h.vendor.requests).toHaveLength(0);
  });
});
