import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyRing, createVault } from '../auth/index.js';
import { createConnectionClient } from '../http/index.js';
import { createLogger } from '../log/index.js';
import { saveConnection, setConnectionStatus, type Database } from '../store/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import { createFakeHttpServer } from '../testing/fake-http-server.js';
import { startFakeOAuthProvider, type FakeOAuthProvider } from '../testing/fake-oauth-provider.js';
import { createConnectionTokens, type ConnectionTokens } from './connection-tokens.js';
import { DEFAULT_SWEEP_HORIZON_SECONDS, sweepTokens } from './refresh-sweep.js';
import { oauthClientSettings } from './settings.js';
import { createTokenEndpoint } from './token-endpoint.js';
import { readStoredTokens, saveTokenSet } from './token-storage.js';
import type { OAuthClientSettings, TokenSet } from './types.js';

const CONNECTOR = 'fakeauth';
const REDIRECT_URI = 'http://127.0.0.1:9/oauth/fakeauth/callback';
const DAY_MS = 24 * 60 * 60 * 1000;

const dbs = createTestDatabases();
const logLines: string[] = [];
const log = createLogger({ level: 'debug', destination: { write: (line: string) => logLines.push(line) } });
const vault = createVault(new KeyRing(randomBytes(32)));
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((fn) => fn()));
  expect(logLines.filter((line) => /fat_|frt_|fac_/.test(line))).toEqual([]);
});
afterAll(() => dbs.dispose());

const settingsFor = (fake: FakeOAuthProvider, tokenUrl = fake.tokenUrl): OAuthClientSettings =>
  oauthClientSettings(CONNECTOR, { authorize_url: fake.authorizeUrl, token_url: tokenUrl, client_id: fake.clientId, client_secret: fake.clientSecret! });

function endpointFor(settings: OAuthClientSettings, now: () => number): ReturnType<typeof createTokenEndpoint> {
  const client = createConnectionClient({ name: CONNECTOR, log, retry: { maxAttempts: 1 } });
  cleanups.push(() => client.close());
  return createTokenEndpoint(settings, client, {}, { now });
}

/** Connects an account through the fake's consent page and stores its tokens, with the access expiry given. */
async function connect(db: Database, fake: FakeOAuthProvider, id: string, expiresAt: Date): Promise<TokenSet> {
  const authorize = new URL(fake.authorizeUrl);
  for (const [name, value] of Object.entries({ response_type: 'code', client_id: fake.clientId, redirect_uri: REDIRECT_URI, state: id })) {
    authorize.searchParams.set(name, value);
  }
  const code = new URL(await fake.visitAuthorizeUrl(authorize.href)).searchParams.get('code')!;
  const tokens = await endpointFor(settingsFor(fake), Date.now).exchangeCode({ code, redirectUri: REDIRECT_URI });
  await db.transaction(async (tx) => {
    await saveConnection(tx, { id, connector: CONNECTOR, tenantId: `tenant-${id}` });
    await saveTokenSet(tx, vault, id, { ...tokens, expiresAt });
  });
  return tokens;
}

describe.each(storeBackends())('token sweep on %s', (backend) => {
  it('refreshes expiring and idle tokens, skips fresh and needs_reauth ones, and goes on past a failure', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const fake = await startFakeOAuthProvider();
    cleanups.push(() => fake.close());
    const broken = await createFakeHttpServer();
    cleanups.push(() => broken.close());
    broken.route('POST', '/oauth/token', { status: 503, json: { error: 'temporarily_unavailable' } });

    const startMs = Date.now();
    const inMs = (ms: number): Date => new Date(startMs + ms);
    // Listed soonest-expiring first, so the failing one comes before the others.
    await connect(db, fake, 'a-failing', inMs(60_000));
    const expiring = await connect(db, fake, 'b-expiring', inMs(120_000));
    const idle = await connect(db, fake, 'c-idle', inMs(DAY_MS));
    const fresh = await connect(db, fake, 'd-fresh', inMs(DAY_MS));
    await connect(db, fake, 'e-needs-reauth', inMs(60_000));
    await setConnectionStatus(db, 'e-needs-reauth', 'needs_reauth', 'CONNECTD_ERR_OAUTH_NEEDS_REAUTH: revoked');
    await db.query(`update connectd_engine.credentials set updated_at = now() - interval '8 days' where connection_id = 'c-idle'`);
    // Issued well before now, so the horizon is not cut short by the half-life rule.
    await db.query(`update connectd_engine.credentials set updated_at = now() - interval '1 day' where connection_id in ('a-failing', 'b-expiring')`);

    const providers = new Map<string, ConnectionTokens>();
    for (const id of ['a-failing', 'b-expiring', 'c-idle', 'd-fresh', 'e-needs-reauth']) {
      const settings = settingsFor(fake, id === 'a-failing' ? `${broken.url}/oauth/token` : fake.tokenUrl);
      providers.set(id, createConnectionTokens({ db, vault, connectionId: id, settings, endpoint: endpointFor(settings, Date.now), log }));
    }
    const asked: string[] = [];
    const sweep = (): ReturnType<typeof sweepTokens> =>
      sweepTokens({
        db,
        log,
        connectors: [CONNECTOR],
        refresh: (id, policy) => {
          asked.push(id);
          return providers.get(id)!.refreshIfExpiring(policy);
        },
        now: () => startMs,
      });

    expect(await sweep()).toEqual({ refreshed: 2, failed: 1 });
    expect(asked).toEqual(['a-failing', 'b-expiring', 'c-idle']);
    expect(fake.count('refresh_token')).toBe(2);
    expect(broken.requestsTo('POST', '/oauth/token')).toHaveLength(1);
    expect((await readStoredTokens(db, vault, 'b-expiring'))?.accessToken).not.toBe(expiring.accessToken);
    expect((await readStoredTokens(db, vault, 'c-idle'))?.accessToken).not.toBe(idle.accessToken);
    expect((await readStoredTokens(db, vault, 'd-fresh'))?.accessToken).toBe(fresh.accessToken);
    expect(logLines.some((line) => line.includes('a-failing') && line.includes('CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED'))).toBe(true);

    // Renewed tokens are neither expiring nor idle any more; only the failing one is tried again.
    asked.length = 0;
    expect(await sweep()).toEqual({ refreshed: 0, failed: 1 });
    expect(asked).toEqual(['a-failing']);
    expect(fake.count('refresh_token')).toBe(2);
  });

  it('does not call the vendor for a token another sweeper renewed between listing and refreshing', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const fake = await startFakeOAuthProvider();
    cleanups.push(() => fake.close());
    await connect(db, fake, 'x', new Date(Date.now() + 60_000));
    await db.query(`update connectd_engine.credentials set updated_at = now() - interval '1 day' where connection_id = 'x'`);
    const settings = settingsFor(fake);
    const ours = createConnectionTokens({ db, vault, connectionId: 'x', settings, endpoint: endpointFor(settings, Date.now), log });
    const theirs = createConnectionTokens({ db, vault, connectionId: 'x', settings, endpoint: endpointFor(settings, Date.now), log });

    const result = await sweepTokens({
      db,
      log,
      connectors: [CONNECTOR],
      horizonSeconds: DEFAULT_SWEEP_HORIZON_SECONDS,
      refresh: async (_id, policy) => {
        expect(await theirs.refreshIfExpiring(policy)).toBe(true);
        return ours.refreshIfExpiring(policy);
      },
    });
    expect(result).toEqual({ refreshed: 1, failed: 0 });
    expect(fake.count('refresh_token')).toBe(1);
  });
});
