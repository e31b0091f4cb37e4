import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyRing, createVault } from '../auth/index.js';
import { isConnectdError } from '../errors/index.js';
import { createConnectionClient } from '../http/index.js';
import { createLogger } from '../log/index.js';
import { getConnection, saveConnection, type Database } from '../store/index.js';
import { createTestDatabases, storeBackends, type StoreBackend } from '../store/testing.js';
import { createFakeHttpServer, type FakeAnswer, type FakeHttpServer } from '../testing/fake-http-server.js';
import { createConnectionTokens, type ConnectionTokens, type TokenRefreshOutcome } from './connection-tokens.js';
import { MIGRATION_RETRY_MS } from './migrate-token.js';
import { oauthClientSettings } from './settings.js';
import { createTokenEndpoint } from './token-endpoint.js';
import { readStoredTokens, saveTokenSet } from './token-storage.js';
import type { OAuthClientSettings } from './types.js';

// auth.migrate and token_params against a loopback token endpoint that behaves like Shopify's
// (../shared/VENDORS.md §2.1): a non-expiring offline token is exchanged once for an expiring one
// (3600 s) with a refresh token that rotates on every use; a reused refresh token is invalid_grant.

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const OFFLINE = 'urn:shopify:params:oauth:token-type:offline-access-token';
const CLIENT_ID = 'mig-client';
const CLIENT_SECRET = 'mig-client-secret-0123';
const LEGACY_TOKEN = 'legacy_offline_token_1';
const CONNECTION = 'shopish-acme';
const TTL_SECONDS = 3600;

const dbs = createTestDatabases();
const logLines: string[] = [];
const log = createLogger({ level: 'debug', destination: { write: (line: string) => logLines.push(line) } });
const vault = createVault(new KeyRing(randomBytes(32)));
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(() => dbs.dispose());
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((fn) => fn()));
  // No token or client secret may ever reach a log line.
  expect(logLines.filter((line) => /legacy_offline|mat_|mrt_/.test(line) || line.includes(CLIENT_SECRET))).toEqual([]);
});

/** A Shopify-like token endpoint: token exchange of legacy tokens, rotating refreshes. */
interface FakeTokenEndpoint {
  readonly url: string;
  readonly server: FakeHttpServer;
  /** Bodies received, in order, with what was answered. */
  readonly requests: Array<{ readonly body: Record<string, string>; readonly status: number }>;
  count(grantType: string): number;
}

async function fakeTokenEndpoint(now: () => number): Promise<FakeTokenEndpoint> {
  const server = await createFakeHttpServer();
  cleanups.push(() => server.close());
  const legacy = new Set([LEGACY_TOKEN]);
  const refreshTokens = new Set<string>();
  const requests: FakeTokenEndpoint['requests'] = [];
  let issued = 0;
  const answer = (body: Record<string, string>, status: number, json: unknown): FakeAnswer => {
    requests.push({ body, status });
    return { status, json };
  };
  const issue = (): Record<string, unknown> => {
    issued += 1;
    const refresh = `mrt_${issued}_${randomBytes(4).toString('hex')}`;
    refreshTokens.add(refresh);
    return { access_token: `mat_${issued}_${now()}`, expires_in: TTL_SECONDS, refresh_token: refresh, refresh_token_expires_in: 2_592_000, scope: 'read_products' };
  };
  server.route('POST', '/token', (request) => {
    const body = JSON.parse(request.text()) as Record<string, string>;
    if (body.client_id !== CLIENT_ID || body.client_secret !== CLIENT_SECRET) return answer(body, 401, { error: 'invalid_client' });
    if (body.grant_type === TOKEN_EXCHANGE) {
      const valid = legacy.has(body.subject_token!) && body.subject_token_type === OFFLINE && body.requested_token_type === OFFLINE && body.expiring === '1';
      if (!valid) return answer(body, 400, { error: 'invalid_subject_token' });
      legacy.delete(body.subject_token!);
      return answer(body, 200, issue());
    }
    if (body.grant_type === 'refresh_token') {
      if (!refreshTokens.delete(body.refresh_token!)) return answer(body, 400, { error: 'invalid_grant' });
      return answer(body, 200, issue());
    }
    return answer(body, 400, { error: 'unsupported_grant_type' });
  });
  return { url: server.url, server, requests, count: (grantType) => requests.filter((r) => r.body.grant_type === grantType).length };
}

function settingsFor(fake: FakeTokenEndpoint, migrate = true): OAuthClientSettings {
  return oauthClientSettings('shopish', {
    authorize_url: `${fake.url}/authorize`,
    token_url: `${fake.url}/token`,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    token_request_format: 'json',
    token_params: { expiring: '1' },
    ...(migrate
      ? { migrate: { grant_type: TOKEN_EXCHANGE, params: { subject_token: '{access_token}', subject_token_type: OFFLINE, requested_token_type: OFFLINE, expiring: '1' } } }
      : {}),
  });
}

/** One "process": its own HTTP client, token endpoint and provider for the connection. */
function processOf(db: Database, settings: OAuthClientSettings, now: () => number, outcomes?: TokenRefreshOutcome[]): ConnectionTokens {
  const client = createConnectionClient({ name: CONNECTION, log, retry: { maxAttempts: 1 } });
  cleanups.push(() => client.close());
  const endpoint = createTokenEndpoint(settings, client, {}, { now });
  const metrics = { refreshed: (_connector: string, outcome: TokenRefreshOutcome) => void outcomes?.push(outcome) };
  return createConnectionTokens({ db, vault, connectionId: CONNECTION, settings, endpoint, log, metrics, now });
}

/** A connection from an older install: one access token, no expiry, no refresh token. */
async function seedLegacy(db: Database, accessToken = LEGACY_TOKEN, expiresAt: Date | null = null): Promise<void> {
  await db.transaction(async (tx) => {
    await saveConnection(tx, { id: CONNECTION, connector: 'shopish', tenantId: 'acme', config: {} });
    await saveTokenSet(tx, vault, CONNECTION, { accessToken, expiresAt, extra: {} });
  });
}

function testClock(): { now: () => number; advance: (ms: number) => void } {
  let nowMs = Date.now();
  return { now: () => nowMs, advance: (ms) => void (nowMs += ms) };
}

describe.each(storeBackends())('token migration and rotation (%s)', (backend: StoreBackend) => {
  it('migrates a non-expiring token once, saves the expiring one with its refresh token, and refreshes normally after', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeTokenEndpoint(clock.now);
    await seedLegacy(db);
    const outcomes: TokenRefreshOutcome[] = [];
    const settings = settingsFor(fake);

    const got = await Promise.all(Array.from({ length: 20 }, () => processOf(db, settings, clock.now, outcomes)).map((p) => p.getAccessToken()));
    expect(fake.count(TOKEN_EXCHANGE)).toBe(1);
    expect(new Set(got).size).toBe(1);
    expect(got[0]).toMatch(/^mat_1_/);
    expect(fake.requests[0]!.body).toEqual({
      grant_type: TOKEN_EXCHANGE,
      subject_token: LEGACY_TOKEN,
      subject_token_type: OFFLINE,
      requested_token_type: OFFLINE,
      expiring: '1',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    const stored = await readStoredTokens(db, vault, CONNECTION);
    expect(stored).toMatchObject({ accessToken: got[0], refreshToken: expect.stringMatching(/^mrt_1_/) });
    expect(stored?.accessExpiresAt?.getTime()).toBe(clock.now() + TTL_SECONDS * 1000);
    expect(outcomes.filter((o) => o === 'migrated')).toHaveLength(1);
    expect(logLines.some((line) => line.includes('migrated to an expiring one'))).toBe(true);

    // A second run finds the expiring token: no migration again, and refreshes with the refresh token.
    const restarted = processOf(db, settings, clock.now);
    expect(await restarted.getAccessToken()).toBe(got[0]);
    clock.advance((TTL_SECONDS + 1) * 1000);
    const renewed = await restarted.getAccessToken();
    expect(renewed).toMatch(/^mat_2_/);
    expect(fake.count(TOKEN_EXCHANGE)).toBe(1);
    // Shopify's refresh body is exactly these four fields: token_params belong to the code exchange only.
    expect(fake.requests.at(-1)).toEqual({
      status: 200,
      body: { grant_type: 'refresh_token', refresh_token: stored?.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    });
  });

  it('keeps using the old token when the vendor refuses the migration, logs it, and asks again later', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeTokenEndpoint(clock.now);
    await seedLegacy(db);
    const outcomes: TokenRefreshOutcome[] = [];
    const tokens = processOf(db, settingsFor(fake), clock.now, outcomes);
    fake.server.enqueue('POST', '/token', { status: 400, json: { error: 'invalid_request', error_description: `bad subject ${LEGACY_TOKEN}` } });

    expect(await tokens.getAccessToken()).toBe(LEGACY_TOKEN);
    expect(outcomes).toEqual(['migration_refused']);
    const warning = logLines.find((line) => line.includes('auth.migrate') && line.includes('"level":40'));
    expect(warning).toContain('CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED');
    expect(warning).toContain('[REDACTED]');
    expect(await tokens.getAccessToken()).toBe(LEGACY_TOKEN);
    expect((await readStoredTokens(db, vault, CONNECTION))?.refreshToken).toBeUndefined();

    clock.advance(MIGRATION_RETRY_MS);
    expect(await tokens.getAccessToken()).toMatch(/^mat_1_/);
    expect(fake.count(TOKEN_EXCHANGE)).toBe(1);
    expect(outcomes).toEqual(['migration_refused', 'migrated']);
  });

  it('after a refused migration, a 401 on the old token makes the connection need reauth, as without migrate', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeTokenEndpoint(clock.now);
    await seedLegacy(db, 'legacy_offline_unknown');
    const tokens = processOf(db, settingsFor(fake), clock.now);
    expect(await tokens.getAccessToken()).toBe('legacy_offline_unknown');
    expect(fake.requests.map((r) => r.status)).toEqual([400]);
    const err = await tokens.refresh('legacy_offline_unknown').catch((e: unknown) => e);
    expect(isConnectdError(err, 'CONNECTD_ERR_OAUTH_NEEDS_REAUTH')).toBe(true);
    expect((await getConnection(db, CONNECTION))?.status).toBe('needs_reauth');
    expect(fake.requests).toHaveLength(1);
  });

  it('leaves alone a token with an expiry, and every token when migrate is not declared', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeTokenEndpoint(clock.now);
    await seedLegacy(db);
    expect(await processOf(db, settingsFor(fake, false), clock.now).getAccessToken()).toBe(LEGACY_TOKEN);
    await seedLegacy(db, 'legacy_offline_expiring', new Date(clock.now() + TTL_SECONDS * 1000));
    expect(await processOf(db, settingsFor(fake), clock.now).getAccessToken()).toBe('legacy_offline_expiring');
    expect(fake.requests).toHaveLength(0);
  });

  it('always refreshes with the latest rotated refresh token, whichever process refreshed last', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const clock = testClock();
    const fake = await fakeTokenEndpoint(clock.now);
    await seedLegacy(db);
    const settings = settingsFor(fake);
    const processes = [processOf(db, settings, clock.now), processOf(db, settings, clock.now), processOf(db, settings, clock.now)];
    await processes[0]!.getAccessToken();
    for (let round = 0; round < 6; round += 1) {
      clock.advance((TTL_SECONDS + 1) * 1000);
      // One process alone, then all three at once: either way one refresh, with the stored token.
      if (round % 2 === 0) await processes[round % 3]!.getAccessToken();
      else expect(new Set(await Promise.all(processes.map((p) => p.getAccessToken()))).size).toBe(1);
    }
    const refreshes = fake.requests.filter((r) => r.body.grant_type === 'refresh_token');
    expect(refreshes.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // Each refresh sent the refresh token the previous answer (migration or refresh) issued.
    refreshes.forEach((r, i) => expect(r.body.refresh_token).toMatch(new RegExp(`^mrt_${i + 1}_`)));
    expect((await readStoredTokens(db, vault, CONNECTION))?.refreshToken).toMatch(/^mrt_7_/);
  });
});
