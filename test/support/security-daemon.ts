import { createHmac, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createLogger, openStore, type Queryable } from '@connectd/core';
import { createFakeHttpServer, reply, startFakeOAuthProvider, type createTestDatabases, type FakeHttpServer, type FakeOAuthProvider, type storeBackends } from '@connectd/core/testing';
import { bundledConfig, runCli, startDaemonProcess, type DaemonProcess } from './daemon-process.js';
import { sendRaw, type RawAnswer, type RawRequestOptions } from './raw-http.js';
import { freshTarget, withStore, type SyncTarget } from './sync-project.js';

// The daemon the security suite attacks: `connectd run` on a fresh store with two OAuth connectors
// on the fake provider (`acme`, `beta`), an API-key connector (`hdr`) whose headers, path and
// query take a connection's values, and a connector with signed webhooks (`hooks`).

export const ADMIN_TOKEN = 'adm1n-security-test-7d41c9e2b05a';
export const CLIENT_SECRET = 'cs-security-test-91be';
export const WEBHOOK_SECRET = 'whsec-security-test-4c8f';
export const SECRET_KEY = randomBytes(32).toString('base64');
export const SUCCESS_URL = 'https://app.example.test/connected?from=connectd';
/** The daemon's default body limit, the admin API's and the webhooks' alike (server.ts, webhooks/intake/types.ts). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** The event type `hooks` does not route: a signed delivery of it is kept in the inbox as `ignored`, never processed. */
export const IGNORED_EVENT_TYPE = 'audit.logged';

export const bearer: Readonly<Record<string, string>> = { authorization: `Bearer ${ADMIN_TOKEN}` };
export const jsonHeaders: Readonly<Record<string, string>> = { ...bearer, 'content-type': 'application/json' };

type Backend = ReturnType<typeof storeBackends>[number];
type TestDatabases = ReturnType<typeof createTestDatabases>;

/** Where each test's daemon keeps its data: a fresh store per test, already migrated. */
export interface SecurityStores {
  fresh(backend: Backend): Promise<SyncTarget>;
  /** Removes the folders it copied (the databases are `dbs`'s). Call in `afterAll`. */
  dispose(): void;
}

/**
 * Fresh stores for the suite's daemons. PGlite: one folder is migrated once (by `connectd migrate`,
 * the daemon's own build) and copied for each test, so a daemon skips the migrations at start (a
 * second or more each on PGlite); what the suite promises is about requests, not a first start.
 * Postgres: a fresh database (migrations cost a tenth of a second there).
 */
export function securityStores(dbs: TestDatabases): SecurityStores {
  let migrated: Promise<string> | undefined;
  const copies: string[] = [];
  const migrate = async (): Promise<string> => {
    const dataDir = await dbs.createDataDir();
    const run = await runCli(['migrate', '--config', bundledConfig], { CONNECTD_DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    return dataDir;
  };
  return {
    async fresh(backend) {
      if (backend !== 'pglite') return freshTarget(backend, dbs);
      const template = await (migrated ??= migrate());
      const dataDir = mkdtempSync(join(tmpdir(), 'connectd-security-data-'));
      copies.push(dataDir);
      cpSync(template, dataDir, { recursive: true });
      return { backend, env: { CONNECTD_DATA_DIR: dataDir }, open: () => openStore({ dataDir, log: createLogger({ level: 'silent', destination: { write: () => undefined } }) }) };
    },
    dispose() {
      for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a test must undo: daemons to kill, fakes to close. */
export type Cleanup = Array<() => Promise<unknown>>;

export interface Fakes {
  readonly oauth: FakeOAuthProvider;
  readonly vendor: FakeHttpServer;
}

export interface SecuritySetup {
  readonly daemon: DaemonProcess;
  readonly target: SyncTarget;
  readonly fakes: Fakes;
  readonly config: string;
  readonly env: Record<string, string>;
  /** Every Location header the daemon answered to {@link send}, whatever the request. */
  readonly locations: Array<{ request: string; status: number; location: string }>;
}

function writeConfig(fakes: Fakes): string {
  const oauth2 = (scope: string) => ({
    type: 'oauth2',
    authorize_url: fakes.oauth.authorizeUrl,
    token_url: fakes.oauth.tokenUrl,
    client_id: fakes.oauth.clientId,
    client_secret: '${ACME_CLIENT_SECRET}',
    scopes: [scope],
    pkce: true,
  });
  const config = {
    version: 1,
    connectors: {
      acme: { base_url: fakes.oauth.apiUrl, auth: oauth2('items.read') },
      beta: { base_url: fakes.oauth.apiUrl, auth: oauth2('items.write') },
      hdr: {
        base_url: fakes.vendor.url,
        auth: { type: 'api_key', in: 'header', name: 'X-Api-Key', value: '{api_key}' },
        headers: { 'X-Region': '{region}' },
        connections: [],
        actions: {
          ping: { request: { method: 'GET', path: '/ping/{region}', query: { r: '{region}' }, headers: { 'X-Req-Region': '{region}' } } },
          // Any object of a few fields: nothing in the schema stops a deep value inside one.
          echo: { request: { path: '/echo' }, input_schema: { type: 'object', maxProperties: 16 } },
        },
      },
      hooks: {
        webhooks: {
          verify: { type: 'hmac', header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', secret: '${HOOKS_WEBHOOK_SECRET}' },
          event_id: '$.id',
          event_type: '$.type',
          events: { 'stock.updated': { entity: 'inventory_level', map: '{ "product": sku, "quantity": quantity }' } },
        },
      },
    },
  };
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-security-')), 'connectors.yaml');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** The daemon's environment on `target`, with `extra` on top. */
export function securityEnv(target: SyncTarget, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...target.env,
    ACME_CLIENT_SECRET: CLIENT_SECRET,
    HOOKS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    CONNECTD_SECRET_KEY: SECRET_KEY,
    CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN,
    // The route table is logged at debug (server.ts): the suite probes every route it lists.
    LOG_LEVEL: 'debug',
    ...extra,
  };
}

/** Starts the fakes and a daemon on a fresh store of `backend`; `cleanup` gets what to undo. */
export async function startSecurityDaemon(backend: Backend, stores: SecurityStores, cleanup: Cleanup, extraEnv: Record<string, string> = {}): Promise<SecuritySetup> {
  const oauth = await startFakeOAuthProvider({ clientSecret: CLIENT_SECRET, requirePkce: true });
  cleanup.push(() => oauth.close());
  const vendor = await createFakeHttpServer({ fallback: () => reply.json({ ok: true }) });
  cleanup.push(() => vendor.close());
  const fakes = { oauth, vendor };
  const config = writeConfig(fakes);
  const target = await stores.fresh(backend);
  const env = securityEnv(target, extraEnv);
  const daemon = await startDaemonProcess({ env, config, timeoutMs: 60_000 });
  cleanup.push(() => daemon.stop('SIGKILL'));
  return { daemon, target, fakes, config, env, locations: [] };
}

/** One raw request to the setup's daemon (see {@link sendRaw}); Location headers are recorded. */
export function send(setup: SecuritySetup, method: string, path: string, options: RawRequestOptions = {}): Promise<RawAnswer> {
  return sendRaw(setup.daemon.url, method, path, { ...options, onLocation: (request, status, location) => setup.locations.push({ request, status, location }) });
}

/** An admin API call with the right bearer (`/api` is prefixed). */
export async function api(setup: SecuritySetup, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: IncomingHttpHeaders }> {
  const answer = await send(setup, method, `/api${path}`, body === undefined ? { headers: bearer } : { headers: jsonHeaders, body: JSON.stringify(body) });
  return { status: answer.status, headers: answer.headers, json: answer.text === '' ? undefined : JSON.parse(answer.text) };
}

/** The daemon is up and answering, and has not exited. */
export async function expectServing(setup: SecuritySetup): Promise<void> {
  expect(setup.daemon.child.exitCode).toBeNull();
  const health = await send(setup, 'GET', '/healthz');
  expect([health.status, health.text]).toEqual([200, '{"status":"ok"}']);
}

/** The routes the daemon serves, as `METHOD /path` from its route table (logged when it is ready). */
export function routeTable(daemon: DaemonProcess): string[] {
  const line = daemon
    .output()
    .split('\n')
    .find((l) => l.includes('"msg":"HTTP routes"'));
  expect(line, 'the daemon logs its route table at debug').toBeDefined();
  return (JSON.parse(line!) as { routes: string[] }).routes;
}

/**
 * The daemon redirects only to the vendor's configured authorize URL (a consent start) or the
 * configured success URL (a finished consent); the other Locations it sends are the job of a
 * 202 action and `/ui` from `/`. Never a URL built from what a request carried.
 */
export function expectOnlyConfiguredRedirects(setup: SecuritySetup): void {
  const success = new URL(SUCCESS_URL);
  for (const { request, status, location } of setup.locations) {
    if (status === 202 && /^\/api\/jobs\/\d+$/.test(location)) continue;
    // `GET /` sends the browser to the operations page, a fixed path of the daemon's own.
    if (status === 302 && request.endsWith(' /') && location === '/ui') continue;
    const url = new URL(location);
    const target = `${url.origin}${url.pathname}`;
    const allowed = target === setup.fakes.oauth.authorizeUrl || (target === `${success.origin}${success.pathname}` && url.searchParams.get('from') === 'connectd');
    expect({ request, status, location, allowed }).toEqual({ request, status: 302, location, allowed: true });
  }
}

/** What a fresh daemon stores by itself: the implicit connection of `hooks` and its tenant `default`. */
const BASELINE: Readonly<Record<string, number>> = { 'connectd_engine.connections': 1, 'connectd_engine.tenants': 1 };

/** Stops the daemon: it must exit 0 (nothing it was sent broke it) and have logged no error. */
export async function stopCleanly(setup: SecuritySetup): Promise<void> {
  expect(await setup.daemon.stop('SIGTERM')).toBe(0);
  expect(setup.daemon.output().split('\n').filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
}

/**
 * Checks the daemon still serves and redirected nowhere it should not, stops it cleanly, and
 * counts the rows of every table of `connectd_engine` and `connectd` beyond {@link BASELINE}: only
 * the tables that hold something more are in the answer.
 */
export async function stopAndCount(setup: SecuritySetup): Promise<Record<string, number>> {
  return (await stopCountAndRead(setup, async () => undefined))[0];
}

/** {@link stopAndCount}, then `read` on the same open of the store (a PGlite open costs a second or more). */
export async function stopCountAndRead<T>(setup: SecuritySetup, read: (db: Queryable) => Promise<T>): Promise<[Record<string, number>, T]> {
  await expectServing(setup);
  expectOnlyConfiguredRedirects(setup);
  await stopCleanly(setup);
  return withStore(setup.target, async (db) => [await countRowsIn(db), await read(db)]);
}

/** The rows of every engine and entity table beyond {@link BASELINE} (the store must be closed by every daemon). */
export function countRows(target: SyncTarget): Promise<Record<string, number>> {
  return withStore(target, countRowsIn);
}

async function countRowsIn(db: Queryable): Promise<Record<string, number>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `select table_schema || '.' || table_name as name from information_schema.tables
      where table_schema in ('connectd_engine', 'connectd') and table_type = 'BASE TABLE' order by 1`,
  );
  expect(tables.length).toBeGreaterThan(10);
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    // Bookkeeping is the store's own, not something a request wrote: migrations, and the change
    // feed's counter row and its consumers' cursors (written by a daemon whatever it is sent).
    if (/migration|change_counter|change_cursors/.test(name)) continue;
    const { rows } = await db.query<{ n: string }>(`select count(*)::text as n from ${name}`);
    const n = Number(rows[0]!.n) - (BASELINE[name] ?? 0);
    if (n !== 0) counts[name] = n;
  }
  return counts;
}

/** A connect session's link from the admin API, on the daemon's real address (path and query). */
export async function sessionLink(setup: SecuritySetup, body: Record<string, unknown>): Promise<{ path: string; token: string }> {
  const made = await api(setup, 'POST', '/connect-sessions', { connector: 'acme', ...body });
  expect(made.status, JSON.stringify(made.json)).toBe(201);
  const url = new URL(made.json.url as string);
  return { path: `${url.pathname}${url.search}`, token: url.searchParams.get('session')! };
}

/** The id a signed token's payload names. */
export function tokenId(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { id: string }).id;
}

/** Starts a consent from a link: the 302's Location must be the configured authorize URL. */
export async function startConsent(setup: SecuritySetup, path: string): Promise<URL> {
  const started = await send(setup, 'GET', path);
  expect(started.status, started.text).toBe(302);
  const location = new URL(started.headers.location!);
  expect(`${location.origin}${location.pathname}`).toBe(setup.fakes.oauth.authorizeUrl);
  return location;
}

/** The callback path the fake provider sends the browser to after consent (approve or deny). */
export async function vendorCallback(setup: SecuritySetup, authorize: URL): Promise<URL> {
  const back = new URL(await setup.fakes.oauth.visitAuthorizeUrl(authorize.toString()));
  expect(back.pathname).toMatch(/^\/oauth\/(acme|beta)\/callback$/);
  return back;
}

/** A refused OAuth page: the status, no Location, the error code in the page, nothing reflected raw. */
export function expectPage(answer: RawAnswer, status: number, code: string): void {
  expect([answer.status, answer.headers.location, answer.text.includes(code)], answer.text).toEqual([status, undefined, true]);
  expect(answer.headers['content-type']).toMatch(/^text\/html/);
  expect(answer.text).not.toMatch(/<script|evil\.example/i);
}

/** A webhook delivery for `hooks`, signed as the connector verifies it. */
export function signedDelivery(event: Record<string, unknown>): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(event);
  return { body, headers: { 'content-type': 'application/json', 'x-signature': createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex') } };
}
