import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestDatabases, oneStoreBackend, parseKeyRing, sessionKeyFrom, signSessionToken } from '@connectd/core/testing';
import { runCli, startDaemonProcess } from './support/daemon-process.js';
import type { RawAnswer } from './support/raw-http.js';
import {
  ADMIN_TOKEN,
  BODY_LIMIT_BYTES,
  IGNORED_EVENT_TYPE,
  SECRET_KEY,
  SUCCESS_URL,
  api,
  bearer,
  countRows,
  expectPage,
  expectServing,
  jsonHeaders,
  routeTable,
  securityEnv,
  securityStores,
  send,
  sessionLink,
  signedDelivery,
  startConsent,
  startSecurityDaemon,
  stopAndCount,
  stopCleanly,
  stopCountAndRead,
  tokenId,
  vendorCallback,
  type Cleanup,
  type SecuritySetup,
} from './support/security-daemon.js';

// Issue 13, item 4: a security suite through `connectd run` children, on every store backend.
// Each group attacks one daemon on a fresh store and then asserts three things: every attempt was
// refused with the right 4xx (never a redirect it should not make, never a 5xx), the daemon kept
// serving (/healthz, a valid request still works, and it stops cleanly with no error logged), and
// the store holds nothing the attempts could have written: every table of `connectd_engine` and
// `connectd` is counted once the daemon stopped. test/connect-sessions.test.ts covers the plain
// cases of start links (none, a flipped last character, expired, used, `&tenant=`, an unknown
// connector, a session on another tenant's connection); the groups here go beyond them.

const dbs = createTestDatabases();
const stores = securityStores(dbs);
afterAll(async () => {
  stores.dispose();
  await dbs.dispose();
});
const cleanup: Cleanup = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((undo) => undo()));
});

/** Sends `method path` and expects a coded JSON refusal. */
async function expectRefused(setup: SecuritySetup, method: string, path: string, status: number, code: string, headers: Record<string, string> = {}, body?: string): Promise<void> {
  const answer = await send(setup, method, path, body === undefined ? { headers } : { headers, body });
  const parsed = answer.headers['content-type']?.startsWith('application/json') === true ? (JSON.parse(answer.text) as { code?: string }) : {};
  expect([method, path, answer.status, parsed.code, answer.headers.location]).toEqual([method, path, status, code, undefined]);
}

// One engine (see oneStoreBackend): nothing here depends on which store the daemon runs on.
describe.each(oneStoreBackend())('security of a running daemon on %s', (backend) => {
  // Start links. A link is the only way into a consent, so everything wrong with one is 401 (the
  // browser is not authenticated to start this consent; the page says how links are made), except
  // a link for a connector that does not exist (404) and a well-signed link whose query carries
  // more than the session (400: the request itself is malformed). Refused links redirect nowhere,
  // reach no vendor, and leave the session as it was.
  it('refuses forged, tampered, replayed and misdirected connect sessions: no redirect, the vendor sees nothing, nothing stored', async () => {
    const setup = await startSecurityDaemon(backend, stores, cleanup);
    const sessionKey = sessionKeyFrom(parseKeyRing({ CONNECTD_SECRET_KEY: SECRET_KEY })!);
    const refused = async (path: string, status: number, code: string): Promise<void> => expectPage(await send(setup, 'GET', path), status, code);

    // Tenant B connects legitimately; everything below attacks around it.
    const forB = await sessionLink(setup, { tenant: 'tenant-b' });
    const bCallback = await vendorCallback(setup, await startConsent(setup, forB.path));
    expect((await send(setup, 'GET', `${bCallback.pathname}${bCallback.search}`)).status).toBe(200);

    const link = await sessionLink(setup, { tenant: 'tenant-a' });
    const id = tokenId(link.token);

    // Forged: empty, guessed, unsigned, signed with another key, oversized, a state token in place of a session.
    await refused('/oauth/acme/start?session=', 401, 'CONNECTD_ERR_OAUTH_SESSION_REQUIRED');
    await refused('/oauth/acme/start?session=guess', 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');
    const unsigned = Buffer.from(JSON.stringify({ id, exp: Date.now() + 60_000 })).toString('base64url');
    await refused(`/oauth/acme/start?session=${unsigned}`, 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');
    await refused(`/oauth/acme/start?session=${unsigned}.`, 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');
    await refused(`/oauth/acme/start?session=${signSessionToken({ id, expiresAtMs: Date.now() + 60_000 }, randomBytes(32))}`, 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');
    await refused(`/oauth/acme/start?session=${'A'.repeat(600)}.${'B'.repeat(43)}`, 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');
    const bState = new URL(bCallback).searchParams.get('state')!;
    await refused(`/oauth/acme/start?session=${bState}`, 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');
    // A well-signed, unexpired token that names no session.
    await refused(`/oauth/acme/start?session=${signSessionToken({ id: randomBytes(16).toString('base64url'), expiresAtMs: Date.now() + 60_000 }, sessionKey)}`, 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');
    // The real session's id, re-signed with the real key and a later expiry: a token is its signature, not its id.
    await refused(`/oauth/acme/start?session=${signSessionToken({ id, expiresAtMs: Date.now() + 86_400_000 }, sessionKey)}`, 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');

    // The real token with any one character changed, in the payload or the signature.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < link.token.length; i++) {
      if (link.token[i] === '.') continue;
      const other = alphabet[(alphabet.indexOf(link.token[i]!) + 1 + (i % 7)) % alphabet.length]!;
      const answer = await send(setup, 'GET', `/oauth/acme/start?session=${link.token.slice(0, i)}${other}${link.token.slice(i + 1)}`);
      expect([i, answer.status, answer.headers.location], answer.text).toEqual([i, 401, undefined]);
    }

    // Used for another connector (a real OAuth one), or with more in its query than the session.
    await refused(`/oauth/beta/start?session=${link.token}`, 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');
    for (const extra of ['connection=acme-tenant-b', 'session_tenant=x', 'redirect_uri=https%3A%2F%2Fevil.example%2F', `session=${link.token}`]) {
      await refused(`${link.path}&${extra}`, 400, 'CONNECTD_ERR_OAUTH_START_INVALID');
    }
    // Sessions for a tenant that is not an id are never made (400: the request is malformed).
    for (const tenant of ['../tenant-b', 'tenant-b\r\nx', 'tenant b', 'ténant', 'a'.repeat(129)]) {
      const bad = await api(setup, 'POST', '/connect-sessions', { connector: 'acme', tenant });
      expect([tenant, bad.status]).toEqual([tenant, 400]);
    }
    expect(setup.fakes.oauth.authorizeRequests).toHaveLength(1);
    await expectServing(setup);

    // Every refusal left the session as it was: it starts A's consent once, and then never again.
    const authorize = await startConsent(setup, link.path);
    await refused(link.path, 401, 'CONNECTD_ERR_OAUTH_SESSION_USED');
    // The flow's state is no session either, and a session is no state.
    await refused(`/oauth/acme/start?session=${authorize.searchParams.get('state')!}`, 401, 'CONNECTD_ERR_OAUTH_SESSION_INVALID');
    expectPage(await send(setup, 'GET', `/oauth/acme/callback?code=x&state=${link.token}`), 400, 'CONNECTD_ERR_OAUTH_STATE_INVALID');
    // Replaying B's finished callback stores nothing.
    expectPage(await send(setup, 'GET', `${bCallback.pathname}${bCallback.search}`), 400, 'CONNECTD_ERR_OAUTH_STATE_USED');
    const aCallback = await vendorCallback(setup, authorize);
    // A's callback presented at the other connector's route is refused, and that spends it.
    expectPage(await send(setup, 'GET', `/oauth/beta/callback${aCallback.search}`), 400, 'CONNECTD_ERR_OAUTH_STATE_INVALID');
    expectPage(await send(setup, 'GET', `${aCallback.pathname}${aCallback.search}`), 400, 'CONNECTD_ERR_OAUTH_STATE_USED');
    expect(setup.fakes.oauth.count('authorization_code')).toBe(1);

    const [counts, rows] = await stopCountAndRead(setup, async (db) => ({
      connections: (await db.query<{ id: string; tenant_id: string }>(`select id, tenant_id from connectd_engine.connections where connector = 'acme'`)).rows,
      sessions: (await db.query<{ tenant_id: string; used: boolean }>(`select tenant_id, used_at is not null as used from connectd_engine.connect_sessions order by tenant_id`)).rows,
    }));
    expect(counts).toEqual({
      // B's connection, its tenant and its two tokens, and the two sessions made (both used); no state left.
      'connectd_engine.connections': 1,
      'connectd_engine.tenants': 1,
      'connectd_engine.credentials': 2,
      'connectd_engine.connect_sessions': 2,
    });
    expect(rows).toEqual({
      connections: [{ id: 'acme-tenant-b', tenant_id: 'tenant-b' }],
      sessions: [
        { tenant_id: 'tenant-a', used: true },
        { tenant_id: 'tenant-b', used: true },
      ],
    });
  }, 120_000);

  // A session names its connection. Two sessions may be made for one new connection id by two
  // tenants (neither owns it yet); whoever connects first owns it, and the other's session can
  // then neither start (409 page, the session left unused) nor finish a consent it started
  // earlier (409 page, before the code is exchanged): the connection and tokens stay B's.
  it("never lets a session for tenant A create or replace tenant B's connection, even one made for the same id before B connected", async () => {
    const setup = await startSecurityDaemon(backend, stores, cleanup);
    const aFirst = await sessionLink(setup, { tenant: 'tenant-a', connection: 'shared' });
    const aSecond = await sessionLink(setup, { tenant: 'tenant-a', connection: 'shared' });
    const forB = await sessionLink(setup, { tenant: 'tenant-b', connection: 'shared' });

    // A starts first; B starts and finishes while A is on the vendor's page.
    const aAuthorize = await startConsent(setup, aFirst.path);
    const bCallback = await vendorCallback(setup, await startConsent(setup, forB.path));
    expect((await send(setup, 'GET', `${bCallback.pathname}${bCallback.search}`)).status).toBe(200);
    const bTokens = setup.fakes.oauth.validAccessTokens();

    const aCallback = await vendorCallback(setup, aAuthorize);
    expectPage(await send(setup, 'GET', `${aCallback.pathname}${aCallback.search}`), 409, 'CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT');
    expectPage(await send(setup, 'GET', aSecond.path), 409, 'CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT');
    const again = await api(setup, 'POST', '/connect-sessions', { connector: 'acme', tenant: 'tenant-a', connection: 'shared' });
    expect([again.status, again.json.code]).toEqual([409, 'CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT']);

    // B's grant is the only one exchanged, and it still works.
    expect(setup.fakes.oauth.count('authorization_code')).toBe(1);
    expect(setup.fakes.oauth.validAccessTokens()).toEqual(bTokens);
    const shared = await api(setup, 'GET', '/connections/shared');
    expect([shared.status, shared.json.tenant, shared.json.status]).toEqual([200, 'tenant-b', 'active']);

    const [counts, sessions] = await stopCountAndRead(setup, async (db) => (await db.query<{ tenant_id: string; used: boolean }>(`select tenant_id, used_at is not null as used from connectd_engine.connect_sessions order by tenant_id, used desc`)).rows);
    expect(counts).toEqual({
      'connectd_engine.connections': 1,
      'connectd_engine.tenants': 1,
      'connectd_engine.credentials': 2,
      'connectd_engine.connect_sessions': 3,
    });
    expect(sessions).toEqual([
      { tenant_id: 'tenant-a', used: true },
      { tenant_id: 'tenant-a', used: false },
      { tenant_id: 'tenant-b', used: true },
    ]);
  }, 120_000);

  // Open redirects. The daemon sends a browser to two places only, both from its configuration:
  // the vendor's authorize URL (with the configured redirect URI) and CONNECTD_OAUTH_SUCCESS_URL
  // (with the stored connection's values). Whatever a request adds is ignored or refused: a
  // callback without a valid state is 400 (the request is malformed), a vendor error on a real
  // state is 403 for access_denied (the user refused), and no other path redirects at all (404).
  it('redirects only to the configured authorize and success URLs, whatever the start, the callback or the Host header carry', async () => {
    const setup = await startSecurityDaemon(backend, stores, cleanup, { CONNECTD_OAUTH_SUCCESS_URL: SUCCESS_URL, CONNECTD_PUBLIC_URL: 'https://connect.example.test' });

    // A consent whose start carries a spoofed Host and forwarding headers, and whose callback
    // carries every parameter an open redirect would use: the vendor gets the configured redirect
    // URI, and the browser lands on the success URL with the stored connection's values only.
    const link = await sessionLink(setup, { tenant: 't1' });
    const spoofed = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'host=evil.example' };
    const started = await send(setup, 'GET', link.path, { headers: spoofed });
    expect(started.status).toBe(302);
    const authorize = new URL(started.headers.location!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(setup.fakes.oauth.authorizeUrl);
    expect(authorize.searchParams.get('redirect_uri')).toBe('https://connect.example.test/oauth/acme/callback');
    const callback = await vendorCallback(setup, authorize);
    const junk = {
      redirect_uri: 'https://evil.example/steal',
      redirect: '//evil.example',
      next: 'https://evil.example/',
      return_to: '/\\evil.example',
      url: 'javascript:alert(1)',
      connector: 'evil',
      tenant: 'https://evil.example',
      connection: '../evil',
      from: 'evil',
    };
    for (const [name, value] of Object.entries(junk)) callback.searchParams.append(name, value);
    const landed = await send(setup, 'GET', `${callback.pathname}${callback.search}`, { headers: spoofed });
    expect(landed.status, landed.text).toBe(302);
    const success = new URL(landed.headers.location!);
    expect(`${success.origin}${success.pathname}`).toBe('https://app.example.test/connected');
    expect([...success.searchParams].sort()).toEqual([
      ['connection', 'acme-t1'],
      ['connector', 'acme'],
      ['from', 'connectd'],
      ['tenant', 't1'],
    ]);
    expect(landed.headers['cache-control']).toBe('no-store');

    // Callback errors, with no state, a crafted state, and the real state of a flow in progress.
    const crafted = (query: Record<string, string>): string => `/oauth/acme/callback?${new URLSearchParams(query).toString()}`;
    const evilText = '<script>location="https://evil.example"</script>\r\nLocation: https://evil.example/';
    expectPage(await send(setup, 'GET', crafted({ error: 'access_denied', error_description: evilText })), 400, 'CONNECTD_ERR_OAUTH_STATE_INVALID');
    for (const state of ['https://evil.example/', '//evil.example', link.token, 'a.b', '<script>', 'x'.repeat(4_000)]) {
      expectPage(await send(setup, 'GET', crafted({ state, code: 'c', error: 'https://evil.example/', error_description: evilText })), 400, 'CONNECTD_ERR_OAUTH_STATE_INVALID');
    }
    const states: string[] = [];
    for (const tenant of ['t2', 't3']) states.push((await startConsent(setup, (await sessionLink(setup, { tenant })).path)).searchParams.get('state')!);
    const denied = await send(setup, 'GET', crafted({ state: states[0]!, error: 'access_denied', error_description: evilText, redirect_uri: 'https://evil.example/' }));
    expectPage(denied, 403, 'CONNECTD_ERR_OAUTH_ACCESS_DENIED');
    for (const [name, value] of Object.entries(denied.headers)) expect([name, String(value)]).not.toEqual([name, expect.stringMatching(/evil/)]);
    // The state is spent: the same callback again is refused as used, not redirected.
    expectPage(await send(setup, 'GET', crafted({ state: states[0]!, error: 'access_denied' })), 400, 'CONNECTD_ERR_OAUTH_STATE_USED');
    // Two states, or a callback with no code at all.
    expectPage(await send(setup, 'GET', `/oauth/acme/callback?state=${states[1]!}&state=${states[1]!}&code=c`), 400, 'CONNECTD_ERR_OAUTH_STATE_INVALID');
    expectPage(await send(setup, 'GET', crafted({ state: states[1]!, redirect_uri: 'https://evil.example/' })), 400, 'CONNECTD_ERR_OAUTH_CALLBACK_INVALID');

    // No other route redirects: odd slashes, trailing slashes, backslashes, encoded hosts.
    for (const path of ['//evil.example', '//evil.example/%2e%2e', '/\\evil.example', '/%2F%2Fevil.example', '/oauth/acme/start/', '/oauth/acme/callback/', '/healthz/', '/webhooks/hooks/']) {
      const answer = await send(setup, 'GET', path, { headers: spoofed });
      expect([path, answer.status, answer.headers.location]).toEqual([path, 404, undefined]);
    }
    expect(setup.fakes.oauth.count('authorization_code')).toBe(1);

    const counts = await stopAndCount(setup);
    expect(counts).toEqual({
      'connectd_engine.connections': 1,
      'connectd_engine.tenants': 1,
      'connectd_engine.credentials': 2,
      'connectd_engine.connect_sessions': 3,
    });
  }, 120_000);

  // Header injection. A connection's values fill `{placeholders}` of outbound headers, paths and
  // queries, and a session's params fill the vendor's URLs: a control character (CR/LF above all)
  // in one is refused with 400 when it is given (the request is malformed), before anything is
  // stored or sent; a printable value that would reshape a URL is encoded where it lands.
  it('refuses control characters in connection values and session params before anything is stored or sent; what reaches the vendor is well formed', async () => {
    const setup = await startSecurityDaemon(backend, stores, cleanup);
    const { fakes } = setup;
    const ping = async (connection: string): Promise<number> => (await api(setup, 'POST', `/actions/hdr/ping?connection=${connection}`, {})).status;

    const good = await api(setup, 'POST', '/connections', { connector: 'hdr', tenant: 'good', config: { region: 'eu' }, secrets: { api_key: 'k-good-1' } });
    expect(good.status, JSON.stringify(good.json)).toBe(201);
    expect(await ping('hdr-good')).toBe(200);
    const shaped = await api(setup, 'POST', '/connections', { connector: 'hdr', tenant: 'shaped', config: { region: '../../admin?x=1#f' }, secrets: { api_key: 'k-shaped-1' } });
    expect(shaped.status).toBe(201);
    expect(await ping('hdr-shaped')).toBe(200);

    const controls = ['\r\n', '\n', '\r', '\u0000', '\t', '\u0007', '\u001b', '\u007f', '\u0085'];
    const refusals: Array<[string, number, string]> = [];
    for (const control of controls) {
      const label = `U+${control.charCodeAt(0).toString(16).padStart(4, '0')}`;
      const value = `eu${control}X-Injected: 1`;
      for (const [tenant, body] of [
        ['bad', { config: { region: value }, secrets: { api_key: 'k-bad-1' } }],
        ['bad', { config: { region: 'eu' }, secrets: { api_key: value } }],
        // Over the clean connection: refused, and its stored values stay as they were.
        ['good', { config: { region: value }, secrets: { api_key: 'k-good-1' } }],
        ['good', { config: { region: 'eu' }, secrets: { api_key: `k-good-1${control}` } }],
        ['bad', { config: { [`region${control}`]: 'eu' }, secrets: { api_key: 'k-bad-1' } }],
      ] as const) {
        const answer = await api(setup, 'POST', '/connections', { connector: 'hdr', tenant, ...body });
        refusals.push([label, answer.status, answer.json.code]);
      }
      const session = await api(setup, 'POST', '/connect-sessions', { connector: 'acme', tenant: 'sess', params: { region: value } });
      refusals.push([label, session.status, session.json.code]);
    }
    expect(refusals.filter(([, status]) => status !== 400)).toEqual([]);
    // A NUL is refused before any route reads the body (json-body.ts): the daemon's own 400.
    expect(new Set(refusals.map(([, , code]) => code))).toEqual(new Set(['CONNECTD_ERR_CONNECTION_REQUEST_INVALID', 'CONNECTD_ERR_OAUTH_START_INVALID', 'CONNECTD_ERR_DAEMON_BAD_REQUEST']));

    // And from `connectd connect --param`, beside the daemon: exit 2 (bad input).
    const cli = await runCli(['connect', 'acme', '--tenant', 'sess', '--param', 'region=eu\r\nX-Injected: 1', '--config', setup.config], { ...setup.env, CONNECTD_PUBLIC_URL: setup.daemon.url });
    expect(cli.code, cli.stderr).toBe(2);
    expect(cli.stderr).toContain('CONNECTD_ERR_OAUTH_START_INVALID');

    // The clean connection still sends its own values.
    expect((await api(setup, 'GET', '/connections/hdr-good')).json.config).toEqual({ region: 'eu' });
    expect(await ping('hdr-good')).toBe(200);

    // From the vendor's side: three pings, each well formed, the shaped value encoded in place.
    expect(fakes.vendor.requests.map((r) => [r.method, r.url, r.headers['x-api-key'], r.headers['x-region'], r.headers['x-req-region']])).toEqual([
      ['GET', '/ping/eu?r=eu', 'k-good-1', 'eu', 'eu'],
      ['GET', '/ping/..%2F..%2Fadmin%3Fx%3D1%23f?r=..%2F..%2Fadmin%3Fx%3D1%23f', 'k-shaped-1', '../../admin?x=1#f', '../../admin?x=1#f'],
      ['GET', '/ping/eu?r=eu', 'k-good-1', 'eu', 'eu'],
    ]);
    for (const request of fakes.vendor.requests) {
      expect(request.headers['x-injected']).toBeUndefined();
      // eslint-disable-next-line no-control-regex
      for (const value of [request.url, ...Object.values(request.headers).flat()]) expect(String(value)).not.toMatch(/[\u0000-\u001f\u007f]/);
    }

    const counts = await stopAndCount(setup);
    expect(counts).toEqual({
      'connectd_engine.connections': 2,
      'connectd_engine.tenants': 2,
      'connectd_engine.credentials': 2,
      'connectd_engine.jobs': 3,
    });
  }, 120_000);

  // Bodies. Every route of the daemon's route table is probed (a route added later and not listed
  // here fails the test). A body over the limit is 413 on every route that reads one, refused on
  // its declared length before it is sent, or, sent chunked with no length, once the limit is
  // passed; a JSON body nested deeper than 100 levels is 400 before any route walks it (it used to
  // overflow the stack of an action's input validation: 500); a body a route does not read (GET,
  // a refused webhook method) changes nothing; what a route reads and dislikes is its own 400.
  it('answers oversized, deeply nested and many-keyed bodies on every route of the route table with a 4xx, and keeps serving', async () => {
    const setup = await startSecurityDaemon(backend, stores, cleanup);
    const { fakes } = setup;
    // A connection for the action route, and another one to disable and enable.
    for (const tenant of ['bodies', 'toggle']) {
      expect((await api(setup, 'POST', '/connections', { connector: 'hdr', tenant, config: { region: 'eu' }, secrets: { api_key: `k-${tenant}` } })).status).toBe(201);
    }

    const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepObject = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    const inObject = (field: string, inner: string): string => `{"connector":"hdr","tenant":"t","${field}":${inner}}`;
    const manyKeys = `{${Array.from({ length: 60_000 }, (_, i) => `"k${i}":0`).join(',')}}`;
    const bodies = {
      // 10 MB declared, never sent: refused on the declared length.
      huge: Buffer.alloc(10 * BODY_LIMIT_BYTES, 'a'),
      deepArray,
      deepObject,
      deepInside: inObject('config', deepArray),
      deepParam: inObject('params', deepObject),
      manyKeys,
      manyKeysInside: inObject('config', manyKeys),
    };
    type BodyName = keyof typeof bodies;
    for (const [name, body] of Object.entries(bodies)) if (name !== 'huge') expect([name, body.length < BODY_LIMIT_BYTES]).toEqual([name, true]);
    const every = (status: number): Record<BodyName, number> => ({ huge: status, deepArray: status, deepObject: status, deepInside: status, deepParam: status, manyKeys: status, manyKeysInside: status });
    /** A route that reads JSON: 413, 400 for every deep body, and its own answers to the two that parse. */
    const readsJson = (manyKeys: number, manyKeysInside: number): Record<BodyName, number> => ({ ...every(400), huge: 413, manyKeys, manyKeysInside });
    const json = { 'content-type': 'application/json' };

    // `unread`: the route answers before reading the body and closes the connection (webhooks,
    // webhooks/intake/route.ts). Its body is held until the answer, as a client honouring
    // `Expect: 100-continue` does: sent whole, the bytes arriving after the close make the kernel
    // reset the connection, which may discard the answer before the client reads it.
    type Probe = { path: string; headers: Record<string, string>; statuses: Record<BodyName, number>; unread?: true };
    const webhookOtherMethod: Probe[] = [{ path: '/webhooks/hooks', headers: json, statuses: every(405), unread: true }];
    const probes: Record<string, Probe[]> = {
      // Webhooks: POST reads raw bytes with its own limit (413) and refuses an unsigned body (401),
      // an unknown connector before reading (404); other methods are 405 before reading.
      'POST /webhooks/:connector': [
        { path: '/webhooks/hooks', headers: json, statuses: { ...every(401), huge: 413 } },
        { path: '/webhooks/nope', headers: json, statuses: every(404), unread: true },
      ],
      'DELETE /webhooks/:connector': webhookOtherMethod,
      'GET /webhooks/:connector': webhookOtherMethod,
      'OPTIONS /webhooks/:connector': webhookOtherMethod,
      'PATCH /webhooks/:connector': webhookOtherMethod,
      'PUT /webhooks/:connector': webhookOtherMethod,
      // GET routes never read a body: they answer as they always do.
      'GET /oauth/:connector/start': [{ path: '/oauth/acme/start?session=x', headers: json, statuses: every(401) }],
      'GET /oauth/:connector/callback': [{ path: '/oauth/acme/callback?state=x', headers: json, statuses: every(400) }],
      'GET /healthz': [{ path: '/healthz', headers: json, statuses: every(200) }],
      'GET /readyz': [{ path: '/readyz', headers: json, statuses: every(200) }],
      'GET /metrics': [{ path: '/metrics', headers: json, statuses: every(200) }],
      'GET /api/status': [{ path: '/api/status', headers: jsonHeaders, statuses: every(200) }],
      'GET /api/connections': [{ path: '/api/connections', headers: jsonHeaders, statuses: every(200) }],
      'GET /api/connections/:id': [{ path: '/api/connections/hdr-bodies', headers: jsonHeaders, statuses: every(200) }],
      'GET /api/jobs/:id': [{ path: '/api/jobs/999999', headers: jsonHeaders, statuses: every(404) }],
      'GET /api/changes': [{ path: '/api/changes?after=0', headers: jsonHeaders, statuses: every(200) }],
      // An action's input is refused unless its schema accepts it: three fields, one an object of 60k keys.
      'POST /api/actions/:connector/:action': [{ path: '/api/actions/hdr/echo?connection=hdr-bodies', headers: jsonHeaders, statuses: readsJson(400, 200) }],
      'POST /api/connect-sessions': [{ path: '/api/connect-sessions', headers: jsonHeaders, statuses: readsJson(400, 400) }],
      'POST /api/connections': [{ path: '/api/connections', headers: jsonHeaders, statuses: readsJson(400, 400) }],
      'POST /api/dead-letters/replay': [{ path: '/api/dead-letters/replay', headers: jsonHeaders, statuses: readsJson(400, 400) }],
      // Routes that take no body still parse one: what parses is ignored.
      'POST /api/connections/:id/disable': [{ path: '/api/connections/hdr-toggle/disable', headers: jsonHeaders, statuses: readsJson(200, 200) }],
      'POST /api/connections/:id/enable': [{ path: '/api/connections/hdr-toggle/enable', headers: jsonHeaders, statuses: readsJson(200, 200) }],
      'DELETE /api/connections/:id': [{ path: '/api/connections/hdr-nope', headers: jsonHeaders, statuses: readsJson(404, 404) }],
      // The operations page: without a session its pages ask for the login (401), its assets are
      // public, and its forms read the body (JSON here, so the daemon's limits apply) before
      // answering that the session is missing.
      'GET /': [{ path: '/', headers: json, statuses: every(302) }],
      'GET /ui': [{ path: '/ui', headers: json, statuses: every(401) }],
      'GET /ui/fragment': [{ path: '/ui/fragment', headers: json, statuses: every(401) }],
      'GET /ui/app.js': [{ path: '/ui/app.js', headers: json, statuses: every(200) }],
      'GET /ui/app.css': [{ path: '/ui/app.css', headers: json, statuses: every(200) }],
      'POST /ui/login': [{ path: '/ui/login', headers: json, statuses: readsJson(401, 401) }],
      'POST /ui/logout': [{ path: '/ui/logout', headers: json, statuses: readsJson(401, 401) }],
      'POST /ui/replay': [{ path: '/ui/replay', headers: json, statuses: readsJson(401, 401) }],
      'POST /ui/reconnect': [{ path: '/ui/reconnect', headers: json, statuses: readsJson(401, 401) }],
    };
    expect(Object.keys(probes).sort()).toEqual(routeTable(setup.daemon));
    // And paths no route serves, which fastify still parses a body for before its 404.
    const unrouted: Probe[] = [
      { path: '/healthz', headers: json, statuses: readsJson(404, 404) },
      { path: '/oauth/acme/start', headers: json, statuses: readsJson(404, 404) },
      { path: '/api/status', headers: jsonHeaders, statuses: readsJson(404, 404) },
    ];

    const unexpected: Array<[string, string, number, string]> = [];
    const seen: string[] = [];
    const probeAll = async (method: string, list: readonly Probe[]): Promise<void> => {
      for (const { path, headers, statuses, unread } of list) {
        for (const [name, body] of Object.entries(bodies) as Array<[BodyName, string | Buffer]>) {
          // The daemon keeps answering other requests while it deals with the body.
          const [answer, health] = await Promise.all([send(setup, method, path, { headers, body, mode: name === 'huge' || unread === true ? 'held' : 'whole' }), send(setup, 'GET', '/healthz')]);
          expect(health.status).toBe(200);
          seen.push(`${method} ${path} ${name} ${answer.status}`);
          if (answer.status !== statuses[name]) unexpected.push([`${method} ${path}`, name, answer.status, answer.text.slice(0, 120)]);
          if (answer.status === 400 && headers === jsonHeaders) expect(JSON.parse(answer.text).code).toMatch(/^CONNECTD_ERR_/);
        }
      }
    };
    for (const [route, list] of Object.entries(probes)) await probeAll(route.split(' ')[0]!, list);
    await probeAll('POST', unrouted);
    expect(unexpected).toEqual([]);
    // Every deep body a JSON route read was refused as such, with the daemon's code.
    for (const line of seen.filter((l) => / deep\w* /.test(l) && /^POST \/api\//.test(l))) expect(line).toMatch(/ 400$/);

    // A body sent chunked, with no length declared, is cut off once it passes the limit.
    for (const path of ['/webhooks/hooks', '/api/connections']) {
      const answer = await send(setup, 'POST', path, { headers: path.startsWith('/api') ? jsonHeaders : {}, body: Buffer.alloc(BODY_LIMIT_BYTES + 1, 'a'), mode: 'unterminated-chunk' });
      expect([path, answer.status]).toEqual([path, 413]);
    }
    // A request line or headers past Node's limit.
    expect((await send(setup, 'GET', `/healthz?${'a'.repeat(100_000)}`)).status).toBe(431);
    expect((await send(setup, 'GET', '/healthz', { headers: { 'x-big': 'b'.repeat(100_000) } })).status).toBe(431);
    // The one body that reached the vendor is the one the action accepted; a valid request still works.
    expect(fakes.vendor.requests.map((r) => `${r.method} ${r.path} ${r.body.length > 600_000}`)).toEqual(['POST /echo true']);
    expect((await api(setup, 'POST', '/actions/hdr/echo?connection=hdr-bodies', { small: true })).status).toBe(200);

    const counts = await stopAndCount(setup);
    expect(counts).toEqual({ 'connectd_engine.connections': 2, 'connectd_engine.tenants': 2, 'connectd_engine.credentials': 2, 'connectd_engine.jobs': 2 });
  }, 240_000);

  // The admin bearer. Every /api route (from the route table) and any other /api path answers 401
  // to a request without exactly the configured token (not authenticated), before its body is
  // read, and the check compares in constant time (admin-auth.test.ts shows every request goes
  // through one timingSafeEqual of two digests). With no token configured the API is closed: 403
  // (the daemon forbids it, whatever the request carries).
  it('refuses admin routes with a missing, empty, wrong, prefix or padded bearer, and is closed without a configured token', async () => {
    const setup = await startSecurityDaemon(backend, stores, cleanup);
    const victim = await api(setup, 'POST', '/connections', { connector: 'hdr', tenant: 'victim', config: { region: 'eu' }, secrets: { api_key: 'k-victim' } });
    expect(victim.status).toBe(201);

    // Each admin route with a request that would change something (or read a secret-free view) were it let through.
    const requests: Record<string, { path: string; body?: unknown }> = {
      'GET /api/status': { path: '/api/status' },
      'GET /api/connections': { path: '/api/connections' },
      'GET /api/connections/:id': { path: '/api/connections/hdr-victim' },
      'GET /api/jobs/:id': { path: '/api/jobs/1' },
      'GET /api/changes': { path: '/api/changes?after=0' },
      'POST /api/connections': { path: '/api/connections', body: { connector: 'hdr', tenant: 'intruder', config: { region: 'eu' }, secrets: { api_key: 'k-intruder' } } },
      'POST /api/connections/:id/disable': { path: '/api/connections/hdr-victim/disable' },
      'POST /api/connections/:id/enable': { path: '/api/connections/hdr-victim/enable' },
      'DELETE /api/connections/:id': { path: '/api/connections/hdr-victim' },
      'POST /api/connect-sessions': { path: '/api/connect-sessions', body: { connector: 'acme', tenant: 'intruder' } },
      'POST /api/actions/:connector/:action': { path: '/api/actions/hdr/ping?connection=hdr-victim', body: {} },
      'POST /api/dead-letters/replay': { path: '/api/dead-letters/replay', body: { all: true } },
    };
    expect(Object.keys(requests).sort()).toEqual(routeTable(setup.daemon).filter((route) => route.split(' ')[1]!.startsWith('/api/')));
    const unrouted = [
      ['GET', '/api/nope'],
      ['GET', '/api'],
      ['POST', '/api/connections/hdr-victim/delete'],
    ] as const;

    const wrong: Array<Record<string, string>> = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${'x'.repeat(ADMIN_TOKEN.length)}` },
      { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}X` },
      { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` },
      { authorization: `Bearer ${ADMIN_TOKEN.slice(0, 1)}` },
      { authorization: `Bearer ${ADMIN_TOKEN}x` },
      { authorization: `Bearer ${ADMIN_TOKEN} ${ADMIN_TOKEN}` },
      { authorization: `Bearer "${ADMIN_TOKEN}"` },
      { authorization: `Bearer ${ADMIN_TOKEN.toUpperCase()}` },
      { authorization: ADMIN_TOKEN },
      { authorization: `Token ${ADMIN_TOKEN}` },
      { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
      { cookie: `token=${ADMIN_TOKEN}`, 'x-api-key': ADMIN_TOKEN, 'x-admin-token': ADMIN_TOKEN },
    ];
    const answers: Array<[string, string, number, string | undefined]> = [];
    const probe = async (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<RawAnswer> => {
      const withBody = body === undefined ? { headers } : { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
      return send(setup, method, path, withBody);
    };
    for (const [route, { path, body }] of Object.entries(requests)) {
      const method = route.split(' ')[0]!;
      for (const headers of wrong) {
        const answer = await probe(method, path, headers, body);
        answers.push([route, JSON.stringify(headers).slice(0, 60), answer.status, (JSON.parse(answer.text) as { code?: string }).code]);
      }
      // A token in the query is no bearer.
      const inQuery = await probe(method, `${path}${path.includes('?') ? '&' : '?'}access_token=${ADMIN_TOKEN}&token=${ADMIN_TOKEN}`, {}, body);
      answers.push([route, 'query', inQuery.status, (JSON.parse(inQuery.text) as { code?: string }).code]);
    }
    for (const [method, path] of unrouted) {
      for (const headers of [{}, { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` }] as Array<Record<string, string>>) {
        const answer = await probe(method, path, headers);
        answers.push([`${method} ${path}`, JSON.stringify(headers).slice(0, 60), answer.status, (JSON.parse(answer.text) as { code?: string }).code]);
      }
    }
    expect(answers.filter(([, , status, code]) => status !== 401 || code !== 'CONNECTD_ERR_DAEMON_UNAUTHORIZED')).toEqual([]);
    expect(answers).toHaveLength(Object.keys(requests).length * (wrong.length + 1) + unrouted.length * 2);

    // The right token still works, and nothing above touched the victim or reached the vendor.
    expect(setup.fakes.vendor.requests).toHaveLength(0);
    const still = await api(setup, 'GET', '/connections/hdr-victim');
    expect([still.status, still.json.status]).toEqual([200, 'active']);
    expect((await api(setup, 'GET', '/nope')).status).toBe(404);
    expect((await api(setup, 'POST', '/actions/hdr/ping?connection=hdr-victim', {})).status).toBe(200);
    await expectServing(setup);
    await stopCleanly(setup);

    // The same store under a daemon with no admin token: every /api request is 403, whatever it sends.
    const closed = await startDaemonProcess({ env: securityEnv(setup.target, { CONNECTD_ADMIN_TOKEN: '' }), config: setup.config, timeoutMs: 60_000 });
    cleanup.push(() => closed.stop('SIGKILL'));
    const closedSetup = { ...setup, daemon: closed };
    for (const [route, { path, body }] of Object.entries(requests)) {
      for (const headers of [{}, bearer, { authorization: 'Bearer ' }, { authorization: 'Bearer undefined' }] as Array<Record<string, string>>) {
        const withBody = body === undefined ? { headers } : { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
        const answer = await send(closedSetup, route.split(' ')[0]!, path, withBody);
        expect([route, answer.status, (JSON.parse(answer.text) as { code?: string }).code]).toEqual([route, 403, 'CONNECTD_ERR_DAEMON_ADMIN_DISABLED']);
      }
    }
    await expectServing(closedSetup);
    await stopCleanly(closedSetup);

    // The victim's connection, and the one ping job the right token ran.
    expect(await countRows(setup.target)).toEqual({ 'connectd_engine.connections': 1, 'connectd_engine.tenants': 1, 'connectd_engine.credentials': 1, 'connectd_engine.jobs': 1 });
  }, 180_000);

  // Path traversal. Connector names and ids come from the path: encoded dots, slashes, backslashes
  // and NULs decode into a name no connector has, so the answer is the route's own "unknown" (404),
  // never another connector's route, a file, or a redirect; a path fastify cannot decode is 400
  // and a name past the router's limit 414. A signed delivery and a valid session prove the
  // refusals are about the name: the same request at the right name is accepted.
  it('refuses path traversal in connector names and ids: unknown names, no other route reached, nothing stored', async () => {
    const setup = await startSecurityDaemon(backend, stores, cleanup);
    const link = await sessionLink(setup, { tenant: 'walker' });
    const delivery = signedDelivery({ id: 'evt-traversal-1', type: IGNORED_EVENT_TYPE, sku: 'S1' });

    const names = [
      '..%2f..%2fetc',
      '%2e%2e',
      '.%2e',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '..%2facme',
      'acme%2f..%2facme',
      '..%5cacme',
      '%2facme',
      'acme%2f',
      '%252e%252e%252facme',
      '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
    ];
    const hookNames = names.map((name) => name.replace(/acme/g, 'hooks'));
    for (const name of names) {
      expectPage(await send(setup, 'GET', `/oauth/${name}/start?session=${link.token}`), 404, 'CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR');
      expectPage(await send(setup, 'GET', `/oauth/${name}/callback?state=x&code=y`), 404, 'CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR');
    }
    for (const name of hookNames) await expectRefused(setup, 'POST', `/webhooks/${name}`, 404, 'CONNECTD_ERR_WEBHOOK_UNKNOWN_CONNECTOR', {});
    for (const name of hookNames) {
      const answer = await send(setup, 'POST', `/webhooks/${name}`, { headers: delivery.headers, body: delivery.body });
      expect([name, answer.status]).toEqual([name, 404]);
    }
    // Unencoded dot segments are not resolved: the path has more segments than any route.
    for (const path of ['/oauth/../oauth/acme/start', '/oauth/acme/../acme/start', '/webhooks/../webhooks/hooks', '/webhooks/hooks/..', '/webhooks/%2e%2e/hooks']) {
      const answer = await send(setup, path.startsWith('/webhooks') ? 'POST' : 'GET', `${path}${path.includes('oauth') ? `?session=${link.token}` : ''}`, { headers: delivery.headers, body: delivery.body });
      expect([path, answer.status, answer.headers.location]).toEqual([path, 404, undefined]);
    }
    // Not decodable (an overlong UTF-8 dot), and longer than the router takes.
    await expectRefused(setup, 'GET', `/oauth/%c0%ae%c0%ae/start?session=${link.token}`, 400, 'CONNECTD_ERR_DAEMON_BAD_REQUEST');
    await expectRefused(setup, 'POST', '/webhooks/%c0%ae%c0%ae', 400, 'CONNECTD_ERR_DAEMON_BAD_REQUEST');
    await expectRefused(setup, 'GET', `/oauth/${'a'.repeat(200)}/start?session=${link.token}`, 414, 'CONNECTD_ERR_DAEMON_BAD_REQUEST');
    // Admin routes name connectors and connections the same way.
    for (const name of ['..%2fhdr', '%2e%2e', 'hdr%2f..%2fhdr']) {
      await expectRefused(setup, 'POST', `/api/actions/${name}/ping?connection=hdr-walker`, 404, 'CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR', jsonHeaders, '{}');
      await expectRefused(setup, 'GET', `/api/connections/${name}-walker`, 404, 'CONNECTD_ERR_CONNECTION_NOT_FOUND', bearer);
      await expectRefused(setup, 'POST', `/api/connections/${name}-walker/disable`, 404, 'CONNECTD_ERR_CONNECTION_NOT_FOUND', bearer);
    }
    // A NUL can be in no name, id or filter (Postgres keeps none in text): refused as malformed on
    // every route, in a path or a query, and in a JSON body; the bearer is still checked first.
    const nulRequests: Array<[string, string, Record<string, string>, string?]> = [
      ['GET', `/oauth/acme%00/start?session=${link.token}`, {}],
      ['GET', '/oauth/acme/callback?state=x%00&code=y', {}],
      ['POST', '/webhooks/hooks%00', delivery.headers, delivery.body],
      ['GET', '/api/connections/hdr%00-walker', bearer],
      ['POST', '/api/connections/hdr-walker%00/disable', bearer],
      ['GET', '/api/connections?tenant=walker%00', bearer],
      ['GET', '/api/connections?connector=hdr%00', bearer],
      ['GET', '/api/changes?after=0&entity=stock%00', bearer],
      ['POST', '/api/actions/hdr%00/ping?connection=hdr-walker', jsonHeaders, '{}'],
      ['POST', '/api/actions/hdr/ping?connection=hdr-walker%00', jsonHeaders, '{}'],
      ['POST', '/api/actions/hdr/echo?connection=hdr-walker', jsonHeaders, '{"sku":"S1\\u0000"}'],
      ['POST', '/api/actions/hdr/echo?connection=hdr-walker', jsonHeaders, '{"s\\u0000ku":"S1"}'],
    ];
    for (const [method, path, headers, body] of nulRequests) await expectRefused(setup, method, path, 400, 'CONNECTD_ERR_DAEMON_BAD_REQUEST', headers, body);
    await expectRefused(setup, 'GET', '/api/connections?tenant=walker%00', 401, 'CONNECTD_ERR_DAEMON_UNAUTHORIZED');
    expect(setup.fakes.oauth.authorizeRequests).toHaveLength(0);
    expect(setup.fakes.vendor.requests).toHaveLength(0);

    // The same session and delivery at the right names are accepted.
    await startConsent(setup, link.path);
    const accepted = await send(setup, 'POST', '/webhooks/hooks', { headers: delivery.headers, body: delivery.body });
    expect(accepted.status, accepted.text).toBe(202);

    const counts = await stopAndCount(setup);
    expect(counts).toEqual({ 'connectd_engine.connect_sessions': 1, 'connectd_engine.oauth_states': 1, 'connectd_engine.webhook_inbox': 1 });
  }, 120_000);
});
