import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createTestDatabases,
  createVault,
  type FakeOAuthProvider,
  keyIdOf,
  oneStoreBackend,
  parseKeyRing,
  type Queryable,
  saveConnection,
  saveTokenSet,
  startFakeOAuthProvider,
  storeBackends,
} from '@connectd/core/testing';
import { childEnv, connectdBin, repoRoot, runCli, startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { waitFor } from '@connectd/core/testing';
import { freshTarget, withStore, type SyncTarget } from './support/sync-project.js';

// Issue 6 acceptance, from the outside: `connectd run` children and `connectd sync`/`rotate-key`
// runs against the generic fake OAuth provider on loopback. The consent flow is driven like a
// browser: a connect session's link (POST /api/connect-sessions) → start → the vendor's consent
// page (the fake approves or denies) → callback. test/connect-sessions.test.ts covers the links.

const CLIENT_SECRET = 'cs-oauth-daemon-test-2d7f41a9';
const ADMIN_TOKEN = 'adm1n-oauth-daemon-test-9c3e';
const KEY_A = randomBytes(32).toString('base64');
const KEY_B = randomBytes(32).toString('base64');

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const running: DaemonProcess[] = [];
const providers: FakeOAuthProvider[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await Promise.all(providers.splice(0).map((p) => p.close()));
});

async function provider(options: Parameters<typeof startFakeOAuthProvider>[0] = {}): Promise<FakeOAuthProvider> {
  const fake = await startFakeOAuthProvider({ clientSecret: CLIENT_SECRET, requirePkce: true, ...options });
  providers.push(fake);
  return fake;
}

/** One oauth2 connector, `acme`, whose `items` stream maps the fake's items onto products. */
function writeConfig(fake: FakeOAuthProvider, streams: readonly string[] = ['items']): string {
  const stream = {
    request: { path: '/items' },
    records: '$.items',
    entity: 'product',
    map: '{ "sku": sku, "name": name, "price": $number(price), "vendor_id": id }',
  };
  const config = {
    version: 1,
    connectors: {
      acme: {
        base_url: fake.apiUrl,
        auth: {
          type: 'oauth2',
          authorize_url: fake.authorizeUrl,
          token_url: fake.tokenUrl,
          client_id: fake.clientId,
          client_secret: '${ACME_CLIENT_SECRET}',
          scopes: ['items.read'],
          pkce: true,
        },
        streams: Object.fromEntries(streams.map((name) => [name, stream])),
      },
    },
  };
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-oauth-')), 'connectors.yaml');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/**
 * A third-party plugin package, installed next to a config file: its `callcheck/param` OAuth
 * callback check refuses a callback whose query lacks the named parameter.
 */
function writeConfigWithCallbackCheck(fake: FakeOAuthProvider, parameter: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'connectd-oauth-plugin-'));
  const pkg = join(dir, 'node_modules', 'connectd-connector-callcheck');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'connectd-connector-callcheck', version: '1.0.0', type: 'module', main: 'index.js' }));
  writeFileSync(
    join(pkg, 'index.js'),
    `export default {
  meta: { name: 'connectd-connector-callcheck', version: '1.0.0', namespace: 'callcheck', engine: '^0.1.0' },
  oauthCallbackChecks: {
    param: {
      meta: { type: 'param', description: 'needs a query parameter', schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } }, additionalProperties: false } },
      create: (options) => ({ check(query) { if (!query.has(options.name)) throw new Error('the callback has no ' + options.name + ' parameter'); } }),
    },
  },
};
`,
  );
  const config = JSON.parse(readFileSync(writeConfig(fake), 'utf8')) as { plugins?: string[]; connectors: { acme: { auth: Record<string, unknown> } } };
  config.plugins = ['connectd-connector-callcheck'];
  config.connectors.acme.auth['callback_check'] = { type: 'callcheck/param', name: parameter };
  const path = join(dir, 'connectors.yaml');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

function envFor(target: SyncTarget, extra: Record<string, string> = {}): Record<string, string> {
  return { ...target.env, ACME_CLIENT_SECRET: CLIENT_SECRET, CONNECTD_SECRET_KEY: KEY_A, CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN, ...extra };
}

/** The start link of a connect session for `tenant`, from the admin API, on the daemon's real address. */
async function startLink(daemon: DaemonProcess, tenant: string): Promise<string> {
  const made = await fetch(`${daemon.url}/api/connect-sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ connector: 'acme', tenant }),
  });
  expect(made.status).toBe(201);
  const link = new URL(((await made.json()) as { url: string }).url);
  return `${daemon.url}${link.pathname}${link.search}`;
}

/** Plays the browser through one consent from a session's link: resolves the callback's status, body and URL. */
async function consent(daemon: DaemonProcess, fake: FakeOAuthProvider, tenant: string, tamper?: (callback: URL) => void): Promise<{ status: number; body: string; callback: string }> {
  const start = await fetch(await startLink(daemon, tenant), { redirect: 'manual' });
  expect(start.status).toBe(302);
  const vendorBack = new URL(await fake.visitAuthorizeUrl(start.headers.get('location')!));
  // The redirect URI names the daemon's public URL; the test reaches the same path on its real port.
  const callback = new URL(`${daemon.url}${vendorBack.pathname}${vendorBack.search}`);
  tamper?.(callback);
  const answer = await fetch(callback);
  return { status: answer.status, body: await answer.text(), callback: callback.toString() };
}

async function connections(daemon: DaemonProcess): Promise<{ text: string; list: Array<{ id: string; tenant: string; status: string; credentials: Array<{ kind: string }> }> }> {
  const response = await fetch(`${daemon.url}/api/connections`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, list: (JSON.parse(text) as { connections: Array<{ id: string; tenant: string; status: string; credentials: Array<{ kind: string }> }> }).connections };
}

function expectNoTokens(text: string, fake: FakeOAuthProvider): void {
  for (const token of [...fake.validAccessTokens(), ...fake.validRefreshTokens(), CLIENT_SECRET, KEY_A, KEY_B]) expect(text).not.toContain(token);
  expect(text).not.toMatch(/fa[tc]_[A-Za-z0-9_-]{8}|frt_[A-Za-z0-9_-]{8}/);
}

describe.each(storeBackends())('OAuth connections through the daemon on %s', (backend) => {
  it('connects with consent, refuses tampered, replayed and denied callbacks, stores tokens encrypted, and syncs with them', async () => {
    const fake = await provider();
    const config = writeConfig(fake);
    const target = await freshTarget(backend, dbs);
    const env = envFor(target);
    const daemon = await startDaemonProcess({ env, config, timeoutMs: 60_000 });
    running.push(daemon);

    // The authorize URL carries PKCE (S256) and a state; the verifier stays with connectd.
    const start = await fetch(await startLink(daemon, 't0'), { redirect: 'manual' });
    const authorize = new URL(start.headers.get('location')!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(fake.authorizeUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.has('code_verifier')).toBe(false);
    expect(authorize.searchParams.get('scope')).toBe('items.read');

    const ok = await consent(daemon, fake, 't1');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('connected');
    // The fake checked the PKCE verifier on the exchange.
    const exchange = fake.tokenRequests.find((r) => r.grantType === 'authorization_code')!;
    expect(exchange.status).toBe(200);
    expect(exchange.params['code_verifier']).toMatch(/^[A-Za-z0-9_-]{43,128}$/);

    const replayed = await fetch(ok.callback);
    expect(replayed.status).toBe(400);
    expect(await replayed.text()).toContain('CONNECTD_ERR_OAUTH_STATE_USED');

    const tampered = await consent(daemon, fake, 't2', (url) => {
      const state = url.searchParams.get('state')!;
      url.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
    });
    expect(tampered.status).toBe(400);
    expect(tampered.body).toContain('CONNECTD_ERR_OAUTH_STATE_INVALID');

    fake.setConsent('deny');
    const denied = await consent(daemon, fake, 't3');
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('CONNECTD_ERR_OAUTH_ACCESS_DENIED');
    fake.setConsent('approve');

    const { text, list } = await connections(daemon);
    expect(list.map((c) => [c.id, c.tenant, c.status])).toEqual([['acme-t1', 't1', 'active']]);
    expect(list[0]!.credentials.map((c) => c.kind).sort()).toEqual(['access_token', 'refresh_token']);
    expectNoTokens(text, fake);
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expectNoTokens(daemon.output(), fake);

    // At rest: ciphertexts under KEY_A's id, without the token bytes.
    const [accessToken] = fake.validAccessTokens();
    const [refreshToken] = fake.validRefreshTokens();
    const rows = await withStore(target, async (db) => (await db.query<{ kind: string; ciphertext: Buffer; key_id: string }>(`select kind, ciphertext, key_id from connectd_engine.credentials`)).rows);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.key_id).toBe(keyIdOf(Buffer.from(KEY_A, 'base64')));
      expect(row.ciphertext.includes(Buffer.from(accessToken!))).toBe(false);
      expect(row.ciphertext.includes(Buffer.from(refreshToken!))).toBe(false);
    }

    // An API call made with it: a foreground sync of the new connection.
    const sync = await runCli(['sync', 'acme', 'items', '--connection', 'acme-t1', '--config', config], env);
    expect(sync.code, sync.stderr).toBe(0);
    expect(fake.apiRequests.filter((r) => r.path === '/api/items').map((r) => [r.token, r.status])).toEqual([[accessToken, 200]]);
    const products = await withStore(target, async (db) => (await db.query<{ tenant_id: string; sku: string; connection_id: string }>(`select tenant_id, sku, connection_id from connectd.products order by sku`)).rows);
    expect(products).toEqual([
      { tenant_id: 't1', sku: 'SKU-1', connection_id: 'acme-t1' },
      { tenant_id: 't1', sku: 'SKU-2', connection_id: 'acme-t1' },
      { tenant_id: 't1', sku: 'SKU-3', connection_id: 'acme-t1' },
    ]);
    expectNoTokens(sync.stdout + sync.stderr, fake);
  }, 120_000);
});

/**
 * Connects tenant t1 the way the consent flow does, without a daemon: the fake issues tokens for
 * a code, and they are stored encrypted under KEY_A in the target's store.
 */
async function seedConnection(target: SyncTarget, fake: FakeOAuthProvider): Promise<void> {
  const authorize = new URL(fake.authorizeUrl);
  authorize.search = new URLSearchParams({ response_type: 'code', client_id: fake.clientId, redirect_uri: 'http://127.0.0.1:9/cb', state: 's', scope: 'items.read' }).toString();
  const code = new URL(await fake.visitAuthorizeUrl(authorize.toString())).searchParams.get('code')!;
  const answer = await fetch(fake.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/cb', client_id: fake.clientId, client_secret: CLIENT_SECRET }),
  });
  const tokens = (await answer.json()) as { access_token: string; refresh_token: string; expires_in: number };
  const vault = createVault(parseKeyRing({ CONNECTD_SECRET_KEY: KEY_A })!);
  const store = await target.open();
  try {
    await store.db.transaction(async (tx) => {
      await saveConnection(tx, { id: 'acme-t1', connector: 'acme', tenantId: 't1' });
      await saveTokenSet(tx, vault, 'acme-t1', { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + tokens.expires_in * 1000), extra: {} });
    });
  } finally {
    await store.close();
  }
}

/** The vendor expired the access token, and the stored expiry says so too. */
async function expireTokens(target: SyncTarget, fake: FakeOAuthProvider): Promise<void> {
  fake.expireAccessTokens();
  await withStore(target, (db: Queryable) => db.query(`update connectd_engine.credentials set expires_at = now() - interval '1 minute' where kind = 'access_token'`));
}

async function connectionStatus(target: SyncTarget): Promise<{ status: string; status_reason: string | null }> {
  return withStore(target, async (db) => (await db.query<{ status: string; status_reason: string | null }>(`select status, status_reason from connectd_engine.connections where id = 'acme-t1'`)).rows[0]!);
}

// The store's token SQL runs on both engines in the oauth/ suites; here one engine is enough:
// Postgres when the run has one, else the embedded store.
describe.each(oneStoreBackend())('OAuth tokens and keys on %s', (backend) => {
  it("lets a plugin's callback check refuse a callback before the code is exchanged, and pass one it accepts", async () => {
    const fake = await provider();
    const target = await freshTarget(backend, dbs);
    // The fake's callback carries `code` and `state` but no `hmac`: refused, nothing stored.
    const refusing = await startDaemonProcess({ env: envFor(target), config: writeConfigWithCallbackCheck(fake, 'hmac') });
    running.push(refusing);
    const refused = await consent(refusing, fake, 't1');
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('CONNECTD_ERR_OAUTH_CALLBACK_INVALID');
    expect(fake.count('authorization_code')).toBe(0);
    expect((await connections(refusing)).list).toEqual([]);
    expect(await refusing.stop('SIGTERM')).toBe(0);

    const accepting = await startDaemonProcess({ env: envFor(target), config: writeConfigWithCallbackCheck(fake, 'state') });
    running.push(accepting);
    expect((await consent(accepting, fake, 't1')).status).toBe(200);
    expect((await connections(accepting)).list.map((c) => c.id)).toEqual(['acme-t1']);
  }, 120_000);

  it('fails fast after invalid_grant: needs_reauth, one refresh attempt, syncs refused with the coded error', async () => {
    const fake = await provider({ requirePkce: false });
    const config = writeConfig(fake);
    const target = await freshTarget(backend, dbs);
    const env = envFor(target);
    expect((await runCli(['migrate', '--config', config], env)).code).toBe(0);
    await seedConnection(target, fake);
    fake.revokeRefreshTokens();
    await expireTokens(target, fake);

    const first = await runCli(['sync', 'acme', 'items', '--config', config, '--connection', 'acme-t1'], env);
    expect(first.code).not.toBe(0);
    expect(first.stderr).toContain('CONNECTD_ERR_OAUTH_NEEDS_REAUTH');
    expect(fake.count('refresh_token')).toBe(1);
    expect(await connectionStatus(target)).toMatchObject({ status: 'needs_reauth', status_reason: expect.stringContaining('invalid_grant') });

    const second = await runCli(['sync', 'acme', 'items', '--config', config, '--connection', 'acme-t1'], env);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('CONNECTD_ERR_OAUTH_NEEDS_REAUTH');
    expect(fake.count('refresh_token')).toBe(1);
    expect(fake.apiRequests).toEqual([]);
    expectNoTokens(first.stdout + first.stderr + second.stdout + second.stderr, fake);
  }, 120_000);

  it('gets a client-credentials token for a server-to-server connector, stores it encrypted, and reuses it', async () => {
    const fake = await provider({ requirePkce: false });
    const base = JSON.parse(readFileSync(writeConfig(fake), 'utf8')) as { connectors: { acme: { auth: Record<string, unknown> } } };
    base.connectors.acme.auth = { type: 'oauth2', grant: 'client_credentials', token_url: fake.tokenUrl, client_id: fake.clientId, client_secret: '${ACME_CLIENT_SECRET}', scopes: ['items.read'] };
    const config = join(mkdtempSync(join(tmpdir(), 'connectd-oauth-cc-')), 'connectors.yaml');
    writeFileSync(config, JSON.stringify(base));
    const target = await freshTarget(backend, dbs);
    const env = envFor(target);
    for (let run = 0; run < 2; run++) {
      const sync = await runCli(['sync', 'acme', 'items', '--config', config], env);
      expect(sync.code, sync.stderr).toBe(0);
      expectNoTokens(sync.stdout + sync.stderr, fake);
    }
    // One token for both runs: the second process read it from the store.
    expect(fake.count('client_credentials')).toBe(1);
    expect(fake.tokenRequests[0]!.params['scope']).toBe('items.read');
    const [token] = fake.validAccessTokens();
    expect(fake.apiRequests.map((r) => [r.token, r.status])).toEqual([
      [token, 200],
      [token, 200],
    ]);
    const stored = await withStore(target, async (db) => (await db.query<{ connection_id: string; kind: string; ciphertext: Buffer }>(`select connection_id, kind, ciphertext from connectd_engine.credentials`)).rows);
    expect(stored.map((r) => [r.connection_id, r.kind])).toEqual([['acme', 'access_token']]);
    expect(stored[0]!.ciphertext.includes(Buffer.from(token!))).toBe(false);
  }, 120_000);

  it('rotate-key re-encrypts every credential, after which the old key is not needed', async () => {
    const fake = await provider({ requirePkce: false });
    const config = writeConfig(fake);
    const target = await freshTarget(backend, dbs);
    expect((await runCli(['migrate', '--config', config], envFor(target))).code).toBe(0);
    await seedConnection(target, fake);

    const rotate = await runCli(['rotate-key', '--config', config], envFor(target, { CONNECTD_SECRET_KEY: KEY_B, CONNECTD_SECRET_KEYS_PREVIOUS: KEY_A }));
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stdout).toContain('re-encrypted 2 credentials');
    expect(rotate.stdout).toContain('no longer needed');
    const keyIds = await withStore(target, async (db) => (await db.query<{ key_id: string }>(`select distinct key_id from connectd_engine.credentials`)).rows.map((r) => r.key_id));
    expect(keyIds).toEqual([keyIdOf(Buffer.from(KEY_B, 'base64'))]);

    // Only the new key now: the tokens still decrypt and the API call works.
    const sync = await runCli(['sync', 'acme', 'items', '--config', config, '--connection', 'acme-t1'], envFor(target, { CONNECTD_SECRET_KEY: KEY_B }));
    expect(sync.code, sync.stderr).toBe(0);
    expect(fake.apiRequests.map((r) => r.status)).toEqual([200]);
    // And the old key alone no longer opens them.
    const stale = await runCli(['sync', 'acme', 'items', '--config', config, '--connection', 'acme-t1'], envFor(target, { CONNECTD_SECRET_KEY: KEY_A }));
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain('CONNECTD_ERR_VAULT_DECRYPT_FAILED');
    expectNoTokens(rotate.stdout + rotate.stderr + sync.stdout + sync.stderr + stale.stdout + stale.stderr, fake);
  }, 120_000);
});

describe.runIf(process.env.TEST_DATABASE_URL)('OAuth refresh across processes on one Postgres', () => {
  it('three processes needing a fresh token at once make exactly one refresh request', async () => {
    // A slow token endpoint keeps the first refresh open while the other processes arrive.
    const fake = await provider({ requirePkce: false, tokenDelayMs: 1_500 });
    const config = writeConfig(fake, ['items_a', 'items_b', 'items_c']);
    const target = await freshTarget('postgres', dbs);
    const env = envFor(target);
    expect((await runCli(['migrate', '--config', config], env)).code).toBe(0);
    await seedConnection(target, fake);
    await expireTokens(target, fake);

    const runs = await Promise.all(['items_a', 'items_b', 'items_c'].map((stream) => runCli(['sync', 'acme', stream, '--config', config, '--connection', 'acme-t1'], env)));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(fake.count('refresh_token')).toBe(1);
    const [fresh] = fake.validAccessTokens();
    expect(fake.apiRequests.map((r) => [r.token, r.status])).toEqual([
      [fresh, 200],
      [fresh, 200],
      [fresh, 200],
    ]);
  }, 120_000);

  it('keeps a rotated refresh token through a SIGKILL right after the refresh: the next refresh uses it', async () => {
    const fake = await provider({ requirePkce: false, rotateRefreshTokens: true });
    const config = writeConfig(fake);
    const target = await freshTarget('postgres', dbs);
    // A short job lease: the killed run's job is taken over soon instead of blocking the next run for 30 s.
    const env = envFor(target, { CONNECTD_JOB_LEASE_MS: '1000' });
    expect((await runCli(['migrate', '--config', config], env)).code).toBe(0);
    await seedConnection(target, fake);
    await expireTokens(target, fake);
    const [original] = fake.validRefreshTokens();

    // The API call after the refresh never answers, so the process is mid-sync when it is killed.
    fake.server.enqueue('GET', '/api/items', { fault: 'hang' });
    const child = spawn(process.execPath, [connectdBin, 'sync', 'acme', 'items', '--config', config, '--connection', 'acme-t1'], { cwd: repoRoot, env: childEnv(env) });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await waitFor('the refreshed token to reach the API', async () => fake.apiRequests.length > 0 || fake.server.requestsTo('GET', '/api/items').length > 0, { timeoutMs: 60_000, intervalMs: 20 });
    child.kill('SIGKILL');
    await exited;
    expect(fake.count('refresh_token')).toBe(1);
    const [rotated] = fake.validRefreshTokens();
    expect(rotated).not.toBe(original);

    await expireTokens(target, fake);
    const next = await waitFor(
      'a sync after the killed one',
      async () => {
        const run = await runCli(['sync', 'acme', 'items', '--config', config, '--connection', 'acme-t1'], env);
        // Until the killed run's lease runs out, its job still holds the stream.
        return run.stderr.includes('CONNECTD_ERR_JOBS_BUSY') ? undefined : run;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(next.code, next.stderr).toBe(0);
    const refreshes = fake.tokenRequests.filter((r) => r.grantType === 'refresh_token');
    expect(refreshes.map((r) => [r.params['refresh_token'], r.status])).toEqual([
      [original, 200],
      [rotated, 200],
    ]);
  }, 120_000);
});
