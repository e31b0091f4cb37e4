import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyRing, createVault, oauth2Auth, type OAuth2Options } from '../auth/index.js';
import { isConnectdError } from '../errors/index.js';
import { createConnectionClient, type ConnectionClient } from '../http/index.js';
import { createLogger } from '../log/index.js';
import { getConnection, openStore, saveConnection, setConnectionStatus, type Database, type Store } from '../store/index.js';
import { createTestDatabases, storeBackends, type StoreBackend } from '../store/testing.js';
import { startFakeOAuthProvider, type FakeOAuthProvider, type FakeOAuthProviderOptions } from '../testing/fake-oauth-provider.js';
import { BLOCKED_RECHECK_MS, createConnectionTokens, type ConnectionTokens, type TokenRefreshOutcome } from './connection-tokens.js';
import { oauthClientSettings } from './settings.js';
import { createTokenEndpoint } from './token-endpoint.js';
import { readStoredTokens, saveTokenSet } from './token-storage.js';
import type { OAuthClientSettings, TokenSet } from './types.js';

const CONNECTOR = 'fakeauth';
const CONNECTION = 'fakeauth-acme';
const TENANT = 'acme';
const REDIRECT_URI = 'http://127.0.0.1:9/oauth/fakeauth/callback';
const TTL_SECONDS = 3600;
const MARGIN_SECONDS = 300;

const dbs = createTestDatabases();
const logLines: string[] = [];
const log = createLogger({ level: 'debug', destination: { write: (line: string) => logLines.push(line) } });
const vault = createVault(new KeyRing(randomBytes(32)));
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((fn) => fn()));
  // Fake tokens carry greppable prefixes: none may ever reach a log line.
  expect(logLines.filter((line) => /fat_|frt_|fac_|fake-client-secret/.test(line))).toEqual([]);
});
afterAll(() => dbs.dispose());

/** A clock shared by the fake, the token endpoint and the providers; tests move it instead of waiting. */
function testClock(): { now: () => number; advance: (ms: number) => void } {
  let nowMs = Date.now();
  return { now: () => nowMs, advance: (ms) => void (nowMs += ms) };
}

async function fakeProvider(options: FakeOAuthProviderOptions): Promise<FakeOAuthProvider> {
  const fake = await startFakeOAuthProvider(options);
  cleanups.push(() => fake.close());
  return fake;
}

function settingsFor(fake: FakeOAuthProvider, overrides: Partial<OAuth2Options> = {}): OAuthClientSettings {
  return oauthClientSettings(CONNECTOR, {
    authorize_url: fake.authorizeUrl,
    token_url: fake.tokenUrl,
    client_id: fake.clientId,
    client_secret: fake.clientSecret ?? undefined,
    refresh_margin_seconds: MARGIN_SECONDS,
    ...overrides,
  });
}

function httpClient(name = CONNECTION): ConnectionClient {
  const client = createConnectionClient({ name, log, retry: { maxAttempts: 1 } });
  cleanups.push(() => client.close());
  return client;
}

/** One "process": its own HTTP client, token endpoint and provider for the connection. */
function provider(
  db: Database,
  fake: FakeOAuthProvider,
  now: () => number,
  extra: { settings?: OAuthClientSettings; outcomes?: TokenRefreshOutcome[] } = {},
): ConnectionTokens {
  const settings = extra.settings ?? settingsFor(fake);
  const endpoint = createTokenEndpoint(settings, httpClient(), {}, { now });
  const metrics = { refreshed: (_connector: string, outcome: TokenRefreshOutcome) => void extra.outcomes?.push(outcome) };
  return createConnectionTokens({ db, vault, connectionId: CONNECTION, settings, endpoint, log, metrics, now });
}

/** Connects the account the way the consent flow does: the user approves, the code is exchanged, both are stored. */
async function connect(db: Database, fake: FakeOAuthProvider, now: () => number): Promise<TokenSet> {
  const settings = settingsFor(fake);
  const authorize = new URL(fake.authorizeUrl);
  for (const [name, value] of Object.entries({ response_type: 'code', client_id: fake.clientId, redirect_uri: REDIRECT_URI, state: 's1' })) {
    authorize.searchParams.set(name, value);
  }
  const callback = new URL(await fake.visitAuthorizeUrl(authorize.href));
  const tokens = await createTokenEndpoint(settings, httpClient(), {}, { now }).exchangeCode({
    code: callback.searchParams.get('code')!,
    redirectUri: REDIRECT_URI,
  });
  await db.transaction(async (tx) => {
    await saveConnection(tx, { id: CONNECTION, connector: CONNECTOR, tenantId: TENANT });
    await saveTokenSet(tx, vault, CONNECTION, tokens);
  });
  return tokens;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (isConnectdError(err)) return err;
    throw err;
  }
  throw new Error('expected a coded failure');
}

const EXPIRED_MS = (TTL_SECONDS + 1) * 1000;

describe.each(storeBackends())('connection tokens on %s', (backend: StoreBackend) => {
  it('hands out the stored token from memory while it is fresh, without a vendor call', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeProvider({ now: clock.now });
    const seeded = await connect(db, fake, clock.now);
    const tokens = provider(db, fake, clock.now);
    const got = [await tokens.getAccessToken(), ...(await Promise.all(Array.from({ length: 20 }, () => tokens.getAccessToken())))];
    clock.advance((TTL_SECONDS - MARGIN_SECONDS - 1) * 1000);
    got.push(await tokens.getAccessToken());
    expect(new Set(got)).toEqual(new Set([seeded.accessToken]));
    expect(fake.count('refresh_token')).toBe(0);
    expect(tokens.state()).toBe('ok');
  });

  it('refreshes an expired token once for 50 concurrent callers, who all get the new token', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeProvider({ now: clock.now, tokenDelayMs: 50 });
    const seeded = await connect(db, fake, clock.now);
    const outcomes: TokenRefreshOutcome[] = [];
    const tokens = provider(db, fake, clock.now, { outcomes });
    expect(await tokens.getAccessToken()).toBe(seeded.accessToken);
    clock.advance(EXPIRED_MS);

    const got = await Promise.all(Array.from({ length: 50 }, () => tokens.getAccessToken()));
    expect(fake.count('refresh_token')).toBe(1);
    expect(new Set(got).size).toBe(1);
    expect(got[0]).not.toBe(seeded.accessToken);
    expect(fake.validAccessTokens()).toContain(got[0]);
    expect((await readStoredTokens(db, vault, CONNECTION))?.accessToken).toBe(got[0]);
    expect(outcomes).toEqual(['refreshed']);
    // The new token is cached: no further vendor call.
    expect(await tokens.getAccessToken()).toBe(got[0]);
    expect(fake.count('refresh_token')).toBe(1);
  });

  it('saves a rotated refresh token with its access token, and a restarted process refreshes with it', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeProvider({ now: clock.now, rotateRefreshTokens: true });
    const seeded = await connect(db, fake, clock.now);
    clock.advance(EXPIRED_MS);
    const renewed = await provider(db, fake, clock.now).getAccessToken();

    const stored = await readStoredTokens(db, vault, CONNECTION);
    expect(stored?.accessToken).toBe(renewed);
    expect(stored?.refreshToken).toBeDefined();
    expect(stored?.refreshToken).not.toBe(seeded.refreshToken);
    expect(fake.validRefreshTokens()).toEqual([stored?.refreshToken]);

    clock.advance(EXPIRED_MS);
    const restarted = provider(db, fake, clock.now);
    const again = await restarted.getAccessToken();
    expect(again).not.toBe(renewed);
    expect(fake.tokenRequests.filter((r) => r.grantType === 'refresh_token').map((r) => [r.params.refresh_token, r.status])).toEqual([
      [seeded.refreshToken, 200],
      [stored?.refreshToken, 200],
    ]);
  });

  it('keeps the stored refresh token when the vendor does not send a new one', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeProvider({ now: clock.now, omitRefreshTokenOnRefresh: true });
    const seeded = await connect(db, fake, clock.now);
    clock.advance(EXPIRED_MS);
    await provider(db, fake, clock.now).getAccessToken();
    expect((await readStoredTokens(db, vault, CONNECTION))?.refreshToken).toBe(seeded.refreshToken);
  });

  it('refreshes after a 401 from the API, and skips the vendor when another instance already refreshed', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeProvider({ now: clock.now });
    const seeded = await connect(db, fake, clock.now);
    const first = provider(db, fake, clock.now);
    const second = provider(db, fake, clock.now);
    expect(await second.getAccessToken()).toBe(seeded.accessToken);

    // The oauth2 strategy in a real client: the vendor rejects the token, the client refreshes once and retries.
    const options: OAuth2Options = { token_url: fake.tokenUrl, authorize_url: fake.authorizeUrl, client_id: fake.clientId };
    const auth = oauth2Auth.create(options, { log, signal: new AbortController().signal, now: () => new Date(clock.now()), tokens: first });
    const api = createConnectionClient({ name: CONNECTION, log, auth, retry: { maxAttempts: 1 } });
    cleanups.push(() => api.close());
    fake.expireAccessTokens();
    const response = await api.send({ method: 'GET', url: `${fake.apiUrl}/items` });
    expect(response.status).toBe(200);
    expect(fake.apiRequests.map((r) => r.status)).toEqual([401, 200]);
    expect(fake.count('refresh_token')).toBe(1);
    const renewed = fake.apiRequests[1]!.token;

    // The second instance still holds the rejected token; the stored one differs, so no vendor call.
    expect(await second.refresh()).toBe(renewed);
    expect(await first.refresh(seeded.accessToken)).toBe(renewed);
    expect(fake.count('refresh_token')).toBe(1);
    // Rejecting the current token does refresh.
    const third = await second.refresh(renewed!);
    expect(third).not.toBe(renewed);
    expect(fake.count('refresh_token')).toBe(2);
  });

  it('marks the connection needs_reauth when the grant is revoked, and then fails fast without the vendor', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeProvider({ now: clock.now });
    await connect(db, fake, clock.now);
    const outcomes: TokenRefreshOutcome[] = [];
    const tokens = provider(db, fake, clock.now, { outcomes });
    fake.revokeRefreshTokens();
    clock.advance(EXPIRED_MS);

    const err = await failure(tokens.getAccessToken());
    expect(err.code).toBe('CONNECTD_ERR_OAUTH_NEEDS_REAUTH');
    expect(err.message).not.toMatch(/fat_|frt_/);
    const row = await getConnection(db, CONNECTION);
    expect(row?.status).toBe('needs_reauth');
    expect(row?.statusReason).toMatch(/^CONNECTD_ERR_OAUTH_NEEDS_REAUTH: .*invalid_grant/);
    expect(outcomes).toEqual(['needs_reauth']);
    expect(tokens.state()).toBe('needs_reauth');
    expect(logLines.some((line) => line.includes('needs_reauth') && line.includes(CONNECTION))).toBe(true);

    const requestsSoFar = fake.tokenRequests.length;
    for (const call of [() => tokens.getAccessToken(), () => tokens.refresh(), () => tokens.refreshIfExpiring()]) {
      expect((await failure(call())).code).toBe('CONNECTD_ERR_OAUTH_NEEDS_REAUTH');
    }
    const restarted = provider(db, fake, clock.now);
    expect((await failure(restarted.getAccessToken())).code).toBe('CONNECTD_ERR_OAUTH_NEEDS_REAUTH');
    expect(restarted.state()).toBe('needs_reauth');
    expect(fake.tokenRequests.length).toBe(requestsSoFar);

    // The tenant reconnects; the blocked provider notices on its next look at the row.
    const reconnected = await connect(db, fake, clock.now);
    expect((await failure(tokens.getAccessToken())).code).toBe('CONNECTD_ERR_OAUTH_NEEDS_REAUTH');
    clock.advance(BLOCKED_RECHECK_MS);
    expect(await tokens.getAccessToken()).toBe(reconnected.accessToken);
    expect(tokens.state()).toBe('ok');
  });

  it('needs reauth when there is no refresh token to refresh with', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeProvider({ now: clock.now });
    const seeded = await connect(db, fake, clock.now);
    await db.query(`delete from connectd_engine.credentials where connection_id = $1 and kind = 'refresh_token'`, [CONNECTION]);
    const tokens = provider(db, fake, clock.now);
    expect(await tokens.getAccessToken()).toBe(seeded.accessToken);
    clock.advance(EXPIRED_MS);
    expect((await failure(tokens.getAccessToken())).code).toBe('CONNECTD_ERR_OAUTH_NEEDS_REAUTH');
    expect((await getConnection(db, CONNECTION))?.status).toBe('needs_reauth');
    expect(fake.count('refresh_token')).toBe(0);
  });

  it('passes other refresh failures on without marking the connection, and tries again on the next call', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeProvider({ now: clock.now });
    await connect(db, fake, clock.now);
    const outcomes: TokenRefreshOutcome[] = [];
    const tokens = provider(db, fake, clock.now, { outcomes });
    clock.advance(EXPIRED_MS);
    fake.server.enqueue('POST', '/oauth/token', { status: 503, json: { error: 'temporarily_unavailable' } });

    expect((await failure(tokens.getAccessToken())).code).toBe('CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED');
    expect((await getConnection(db, CONNECTION))?.status).toBe('active');
    expect(tokens.state()).toBe('ok');
    const renewed = await tokens.getAccessToken();
    expect(fake.validAccessTokens()).toContain(renewed);
    expect(fake.count('refresh_token')).toBe(1);
    expect(outcomes).toEqual(['failed', 'refreshed']);
  });

  it('fails fast with a code for a connection that is disabled, unknown, or has no tokens', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeProvider({ now: clock.now });
    expect((await failure(provider(db, fake, clock.now).getAccessToken())).code).toBe('CONNECTD_ERR_OAUTH_NOT_CONNECTED');
    await saveConnection(db, { id: CONNECTION, connector: CONNECTOR, tenantId: TENANT });
    expect((await failure(provider(db, fake, clock.now).getAccessToken())).code).toBe('CONNECTD_ERR_OAUTH_NOT_CONNECTED');
    await connect(db, fake, clock.now);
    await setConnectionStatus(db, CONNECTION, 'disabled', 'turned off by an operator');
    const tokens = provider(db, fake, clock.now);
    expect((await failure(tokens.getAccessToken())).code).toBe('CONNECTD_ERR_OAUTH_CONNECTION_DISABLED');
    expect(tokens.state()).toBe('disabled');
    expect((await failure(tokens.refresh())).code).toBe('CONNECTD_ERR_OAUTH_CONNECTION_DISABLED');
    expect(fake.tokenRequests.length).toBe(1);
  });

  it('gets a client-credentials token when there is none, and one new token per expiry', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeProvider({ now: clock.now, tokenDelayMs: 20 });
    await saveConnection(db, { id: CONNECTION, connector: CONNECTOR, tenantId: TENANT });
    const settings = settingsFor(fake, { grant: 'client_credentials' });
    const tokens = provider(db, fake, clock.now, { settings });

    const first = await Promise.all(Array.from({ length: 10 }, () => tokens.getAccessToken()));
    expect(new Set(first).size).toBe(1);
    expect(fake.count('client_credentials')).toBe(1);
    expect((await readStoredTokens(db, vault, CONNECTION))?.accessToken).toBe(first[0]);
    expect(await tokens.getAccessToken()).toBe(first[0]);
    expect(fake.count('client_credentials')).toBe(1);

    clock.advance(EXPIRED_MS);
    const second = await Promise.all(Array.from({ length: 10 }, () => tokens.getAccessToken()));
    expect(new Set(second).size).toBe(1);
    expect(second[0]).not.toBe(first[0]);
    expect(fake.count('client_credentials')).toBe(2);
    expect(fake.count('refresh_token')).toBe(0);
  });
});

if (storeBackends().includes('postgres')) {
  describe('connection tokens across processes on postgres', () => {
    it('make one vendor refresh when three processes with 50 callers each find the token expired', async () => {
      const databaseUrl = await dbs.createPostgresDatabase();
      const stores: Store[] = [];
      cleanups.push(() => Promise.all(stores.map((s) => s.close())));
      for (let i = 0; i < 3; i += 1) stores.push(await openStore({ databaseUrl, dataDir: tmpdir(), log }));
      await stores[0]!.migrate();
      const clock = testClock();
      const fake = await fakeProvider({ now: clock.now, tokenDelayMs: 100 });
      const seeded = await connect(stores[0]!.db, fake, clock.now);
      const processes = stores.map((store) => provider(store.db, fake, clock.now));
      clock.advance(EXPIRED_MS);

      const got = await Promise.all(processes.flatMap((tokens) => Array.from({ length: 50 }, () => tokens.getAccessToken())));
      expect(fake.count('refresh_token')).toBe(1);
      expect(new Set(got).size).toBe(1);
      expect(got[0]).not.toBe(seeded.accessToken);
      expect((await readStoredTokens(stores[2]!.db, vault, CONNECTION))?.accessToken).toBe(got[0]);
    });
  });
}
