import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createTestDatabases,
  type FakeOAuthProvider,
  oneStoreBackend,
  storeBackends,
  parseKeyRing,
  sessionKeyFrom,
  signSessionToken,
  startFakeOAuthProvider,
} from '@connectd/core/testing';
import { runCli, startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { freshTarget, withStore, type SyncTarget } from './support/sync-project.js';

// Issue 13 acceptance, through `connectd run` children: a consent starts only from a connect
// session. A start link without one, with a tampered or expired one, or replayed, is refused with
// no vendor redirect and nothing stored; a session for tenant A cannot create or replace tenant
// B's connection; and the link `connectd connect` prints works, with or without a daemon running.

const CLIENT_SECRET = 'cs-connect-sessions-test-5a8e21';
const ADMIN_TOKEN = 'adm1n-connect-sessions-test-3f9c';
const SECRET_KEY = randomBytes(32).toString('base64');

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const running: DaemonProcess[] = [];
const providers: FakeOAuthProvider[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await Promise.all(providers.splice(0).map((p) => p.close()));
});

async function provider(): Promise<FakeOAuthProvider> {
  const fake = await startFakeOAuthProvider({ clientSecret: CLIENT_SECRET, requirePkce: true });
  providers.push(fake);
  return fake;
}

/** One oauth2 connector, `acme`, against the fake provider. */
function writeConfig(fake: FakeOAuthProvider): string {
  const config = {
    version: 1,
    connectors: {
      acme: {
        base_url: fake.apiUrl,
        auth: { type: 'oauth2', authorize_url: fake.authorizeUrl, token_url: fake.tokenUrl, client_id: fake.clientId, client_secret: '${ACME_CLIENT_SECRET}', scopes: ['items.read'], pkce: true },
      },
    },
  };
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-sessions-')), 'connectors.yaml');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

function envFor(target: SyncTarget, extra: Record<string, string> = {}): Record<string, string> {
  return { ...target.env, ACME_CLIENT_SECRET: CLIENT_SECRET, CONNECTD_SECRET_KEY: SECRET_KEY, CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN, ...extra };
}

async function daemonWith(env: Record<string, string>, config: string): Promise<DaemonProcess> {
  const daemon = await startDaemonProcess({ env, config, timeoutMs: 60_000 });
  running.push(daemon);
  return daemon;
}

async function api(daemon: DaemonProcess, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${daemon.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

/** A link from POST /api/connect-sessions, as the daemon's own address (the public URL defaults to localhost:PORT). */
async function sessionLink(daemon: DaemonProcess, body: Record<string, unknown>): Promise<URL> {
  const made = await api(daemon, 'POST', '/connect-sessions', { connector: 'acme', ...body });
  expect(made.status, JSON.stringify(made.json)).toBe(201);
  return onDaemon(daemon, made.json.url);
}

/** The same path and query on the daemon's real address. */
function onDaemon(daemon: DaemonProcess, link: string): URL {
  const url = new URL(link);
  return new URL(`${daemon.url}${url.pathname}${url.search}`);
}

/** Opens a start link like a browser that does not follow redirects. */
async function open(url: URL | string): Promise<{ status: number; location: string | null; body: string }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}

/** The rest of a consent after a 302 to the vendor: the fake approves, the daemon's callback answers. */
async function finish(daemon: DaemonProcess, fake: FakeOAuthProvider, location: string): Promise<number> {
  const back = new URL(await fake.visitAuthorizeUrl(location));
  return (await fetch(`${daemon.url}${back.pathname}${back.search}`)).status;
}

async function connectionList(daemon: DaemonProcess): Promise<Array<[string, string]>> {
  return ((await api(daemon, 'GET', '/connections')).json.connections as Array<{ id: string; tenant: string }>).map((c) => [c.id, c.tenant]);
}

/** A token for the session `link` names, signed with the daemon's key, that expired a minute ago. */
function expiredTokenFor(link: URL): string {
  const [payload] = link.searchParams.get('session')!.split('.') as [string];
  const { id } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { id: string };
  return signSessionToken({ id, expiresAtMs: Date.now() - 60_000 }, sessionKeyFrom(parseKeyRing({ CONNECTD_SECRET_KEY: SECRET_KEY })!));
}

// One engine (see oneStoreBackend): nothing here depends on which store the daemon runs on.
describe.each(oneStoreBackend())('connect sessions through the daemon on %s', (backend) => {
  it('refuses start links without a valid session (none, tampered, expired, replayed): no redirect, the vendor sees nothing, nothing stored', async () => {
    const fake = await provider();
    const config = writeConfig(fake);
    const target = await freshTarget(backend, dbs);
    const daemon = await daemonWith(envFor(target), config);

    const refused = async (url: URL | string, status: number, code: string): Promise<void> => {
      const answer = await open(url);
      expect([answer.status, answer.location, answer.body.includes(code)], `${String(url)} ${answer.body}`).toEqual([status, null, true]);
    };
    // The old open link, and one with a guessed session.
    await refused(`${daemon.url}/oauth/acme/start?tenant=victim`, 401, 'CONNECTD_ERR_OAUTH_SESSION_REQUIRED');
    const page = await open(`${daemon.url}/oauth/acme/start?tenant=victim`);
    expect(page.body).toContain('connectd connect');
    expect(page.body).toContain('POST /api/connect-sessions');
    await refused(`${daemon.url}/oauth/acme/start?session=eyJpZCI6Imd1ZXNzIiwiZXhwIjo5OTk5OTk5OTk5OTk5fQ.AAAA`, 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');

    const link = await sessionLink(daemon, { tenant: 'victim' });
    const token = link.searchParams.get('session')!;
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    await refused(`${daemon.url}/oauth/acme/start?session=${flipped}`, 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');
    await refused(`${daemon.url}/oauth/acme/start?session=${expiredTokenFor(link)}`, 401, 'CONNECTD_ERR_OAUTH_SESSION_EXPIRED');
    await refused(`${link.toString()}&tenant=attacker`, 400, 'CONNECTD_ERR_OAUTH_START_INVALID');
    await refused(`${daemon.url}/oauth/other/start?session=${token}`, 404, 'CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR');
    expect(fake.server.requests).toHaveLength(0);
    expect(await connectionList(daemon)).toEqual([]);

    // The link itself still works, once.
    const started = await open(link);
    expect(started.status).toBe(302);
    await refused(link, 401, 'CONNECTD_ERR_OAUTH_SESSION_USED');
    expect(await finish(daemon, fake, started.location!)).toBe(200);
    await refused(link, 401, 'CONNECTD_ERR_OAUTH_SESSION_USED');
    expect(fake.authorizeRequests).toHaveLength(1);
    expect(await connectionList(daemon)).toEqual([['acme-victim', 'victim']]);

    expect(await daemon.stop('SIGTERM')).toBe(0);
    const rows = await withStore(target, async (db) => ({
      states: (await db.query<{ n: string }>(`select count(*) as n from connectd_engine.oauth_states`)).rows[0]!.n,
      sessions: (await db.query<{ used: boolean }>(`select used_at is not null as used from connectd_engine.connect_sessions`)).rows.map((r) => r.used),
    }));
    expect(rows).toEqual({ states: '0', sessions: [true] });
  }, 120_000);

  it("never lets a session for tenant A create or replace tenant B's connection", async () => {
    const fake = await provider();
    const config = writeConfig(fake);
    const target = await freshTarget(backend, dbs);
    const daemon = await daemonWith(envFor(target), config);

    const forB = await open(await sessionLink(daemon, { tenant: 'tenant-b' }));
    expect(await finish(daemon, fake, forB.location!)).toBe(200);
    const bToken = fake.validAccessTokens();

    // A's link cannot be pointed at B: the query may not name a tenant or connection.
    const forA = await sessionLink(daemon, { tenant: 'tenant-a' });
    for (const extra of ['tenant=tenant-b', 'connection=acme-tenant-b', 'tenant=tenant-b&connection=acme-tenant-b']) {
      const answer = await open(`${forA.toString()}&${extra}`);
      expect([answer.status, answer.location]).toEqual([400, null]);
    }
    // Nor can a session for A be made on B's connection.
    const onB = await api(daemon, 'POST', '/connect-sessions', { connector: 'acme', tenant: 'tenant-a', connection: 'acme-tenant-b' });
    expect([onB.status, onB.json.code]).toEqual([409, 'CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT']);

    const startedA = await open(forA);
    expect(startedA.status).toBe(302);
    expect(await finish(daemon, fake, startedA.location!)).toBe(200);
    expect((await connectionList(daemon)).sort()).toEqual([
      ['acme-tenant-a', 'tenant-a'],
      ['acme-tenant-b', 'tenant-b'],
    ]);
    // B's tokens were not replaced by A's consent.
    expect(fake.validAccessTokens()).toEqual(expect.arrayContaining(bToken));
    expect(fake.authorizeRequests).toHaveLength(2);
  }, 120_000);
});

// Both engines: beside a daemon on the embedded store the command cannot open the store and asks
// the daemon instead, so the two engines take different paths here.
describe.each(storeBackends())('connectd connect on %s', (backend) => {
  it('connects through the link `connectd connect` prints, beside a running daemon and without one', async () => {
    const fake = await provider();
    const config = writeConfig(fake);
    const target = await freshTarget(backend, dbs);
    // No CONNECTD_SECRET_KEY on the embedded store: the CLI and the daemon both use the data folder's development key.
    const env = backend === 'pglite' ? envFor(target, { CONNECTD_SECRET_KEY: '' }) : envFor(target);

    // Without a daemon: the command records the session itself.
    const offline = await runCli(['connect', 'acme', '--tenant', 'offline', '--expires-in', '10m', '--config', config], env);
    expect(offline.code, offline.stderr).toBe(0);
    const offlineLink = offline.stdout.trim().split('\n').pop()!;
    expect(offlineLink).toMatch(/^http:\/\/localhost:3000\/oauth\/acme\/start\?session=/);

    const daemon = await daemonWith(env, config);
    // Beside the daemon (which holds the embedded store): the command asks it.
    const beside = await runCli(['connect', 'acme', '--tenant', 'beside', '--config', config], { ...env, CONNECTD_PUBLIC_URL: daemon.url });
    expect(beside.code, beside.stderr).toBe(0);
    const besideLink = beside.stdout.trim().split('\n').pop()!;
    // On the embedded store the daemon made the session, on Postgres the command did; the link
    // starts at the command's public URL either way.
    expect(besideLink).toMatch(new RegExp(`^${daemon.url}/oauth/acme/start\\?session=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));

    for (const link of [offlineLink, besideLink]) {
      const started = await open(onDaemon(daemon, link));
      expect(started.status, started.body).toBe(302);
      expect(await finish(daemon, fake, started.location!)).toBe(200);
    }
    expect((await connectionList(daemon)).sort()).toEqual([
      ['acme-beside', 'beside'],
      ['acme-offline', 'offline'],
    ]);
    // A refusal of the request itself comes back with its code and exit 2.
    const bad = await runCli(['connect', 'acme', '--tenant', 'bad tenant', '--config', config], { ...env, CONNECTD_PUBLIC_URL: daemon.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CONNECTD_ERR_OAUTH_START_INVALID');
  }, 120_000);
});
