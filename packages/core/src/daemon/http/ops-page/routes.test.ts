import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger, redactSecretFields, SecretValues } from '../../../log/index.js';
import type { DeadLetter } from '../../../store/index.js';
import { createMetrics } from '../metrics.js';
import { buildHttpServer } from '../server.js';
import { operationsPageRoutes } from './routes.js';
import type { OperationsPageDeps, OpsStatus } from './types.js';

const TOKEN = 'adm1n-ops-routes-test-77c1d0';
const VENDOR_SECRET = 'vendor-secret-value-9a8b7c';
const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

const status: OpsStatus = {
  version: '0.0.0-test',
  source: 'daemon',
  store: { kind: 'pglite', ready: true },
  connectors: [],
  connections: [
    { connector: 'acme', id: 'acme-co', tenant: 'acme-co', state: 'ready', breaker: 'closed', status: 'needs_reauth', statusReason: 'CONNECTD_ERR_OAUTH_NEEDS_REAUTH: invalid_grant' },
    { connector: 'flaky', id: 'flaky', tenant: 'default', state: 'ready', breaker: 'open', probeAt: '2030-01-01T00:00:00.000Z', status: 'active' },
  ],
  streams: [{ connector: 'shop', connection: 'shop', stream: 'products', lastRun: null, nextRun: null, checkpoint: null, deadLetters: 1 }],
};

const letter: DeadLetter = {
  id: '7',
  sourceKind: 'sync',
  connector: 'shop',
  connectionId: 'shop',
  stream: 'products',
  runId: '1',
  payload: { sku: 'A-1', api_key: 'k_live_censored_by_name', note: `has ${VENDOR_SECRET}` },
  raw: null,
  errorCode: 'CONNECTD_ERR_MAPPING_EVALUATE',
  reason: 'price is not a number',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  replayedAt: null,
};

const apps: FastifyInstance[] = [];
afterEach(async () => Promise.all(apps.splice(0).map((a) => a.close())));

function server(overrides: Partial<OperationsPageDeps> = {}): { app: FastifyInstance; replayed: string[][] } {
  const replayed: string[][] = [];
  const secrets = new SecretValues();
  secrets.add(VENDOR_SECRET);
  const deps: OperationsPageDeps = {
    adminToken: TOKEN,
    publicUrl: 'http://localhost:3000',
    log: silent,
    status: async () => status,
    deadLetters: async () => [letter],
    replay: async (ids) => {
      replayed.push([...ids]);
      return { replayed: ids.length, byKind: { webhook_event: 0, webhook_record: 0, sync_record: ids.length, job: 0, outbound_event: 0 }, failedAgain: 0, skipped: [], notOpen: [] };
    },
    connectLink: async () => ({ url: 'http://localhost:3000/oauth/acme/start?session=abc', expiresAt: new Date('2030-01-01T00:00:00Z') }),
    redactPayload: (payload) => secrets.scrub(JSON.stringify(redactSecretFields(payload), null, 2)),
    streamSuccesses: async () => [],
    schedule: () => undefined,
    rateLimit: () => undefined,
    samples: () => [],
    traffic: () => new Map(),
    ...overrides,
  };
  const app = buildHttpServer({ log: silent, metrics: createMetrics('test'), adminToken: deps.adminToken, isReady: async () => true, status: async () => status, routes: [operationsPageRoutes(deps)] });
  apps.push(app);
  return { app, replayed };
}

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function login(app: FastifyInstance): Promise<{ cookie: string; csrf: string }> {
  const answer = await app.inject({ method: 'POST', url: '/ui/login', headers: FORM, payload: form({ token: TOKEN }) });
  expect(answer.statusCode).toBe(303);
  const cookie = String(answer.headers['set-cookie']).split(';')[0]!;
  const page = await app.inject({ method: 'GET', url: '/ui', headers: { cookie } });
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
  expect(csrf).toBeDefined();
  return { cookie, csrf: csrf! };
}

describe('the operations page routes', () => {
  it('stays closed (403) without an admin token, and asks for a login without a session', async () => {
    const closed = server({ adminToken: undefined }).app;
    expect((await closed.inject({ method: 'GET', url: '/ui' })).statusCode).toBe(403);
    expect((await closed.inject({ method: 'POST', url: '/ui/login', headers: FORM, payload: form({ token: '' }) })).statusCode).toBe(403);
    const { app } = server();
    const root = await app.inject({ method: 'GET', url: '/' });
    expect([root.statusCode, root.headers.location]).toEqual([302, '/ui']);
    const page = await app.inject({ method: 'GET', url: '/ui' });
    expect(page.statusCode).toBe(401);
    expect(page.body).toContain('name="token"');
    expect((await app.inject({ method: 'GET', url: '/ui/fragment' })).statusCode).toBe(401);
  });

  it('sets the session cookie for the admin token only, and sends the strict headers', async () => {
    const { app } = server({ publicUrl: 'https://connect.example.com' });
    const wrong = await app.inject({ method: 'POST', url: '/ui/login', headers: FORM, payload: form({ token: `${TOKEN}x` }) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const right = await app.inject({ method: 'POST', url: '/ui/login', headers: FORM, payload: form({ token: TOKEN }) });
    expect(String(right.headers['set-cookie'])).toMatch(/^connectd_ui=v1\.\d+\.[\w-]+; HttpOnly; SameSite=Strict; Path=\/ui; Max-Age=43200; Secure$/);
    const page = await app.inject({ method: 'GET', url: '/ui', headers: { cookie: String(right.headers['set-cookie']).split(';')[0]! } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect([page.headers['x-frame-options'], page.headers['cache-control']]).toEqual(['DENY', 'no-store']);
    expect(page.body).not.toMatch(/<script>|style="/);
  });

  it('shows the payload with secret-named fields censored and known secrets scrubbed', async () => {
    const { app } = server();
    const { cookie } = await login(app);
    const fragment = await app.inject({ method: 'GET', url: '/ui/fragment', headers: { cookie } });
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body).toContain('&quot;api_key&quot;: &quot;[redacted]&quot;');
    expect(fragment.body).not.toContain('k_live_censored_by_name');
    expect(fragment.body).not.toContain(VENDOR_SECRET);
    expect(fragment.body).not.toContain(TOKEN);
  });

  it('refuses a form without the session, with a wrong or missing CSRF token, or from another origin', async () => {
    const { app, replayed } = server();
    const { cookie, csrf } = await login(app);
    const other = await login(app);
    const post = (headers: Record<string, string>, fields: Record<string, string>) => app.inject({ method: 'POST', url: '/ui/replay', headers: { ...FORM, ...headers }, payload: form(fields) });
    expect((await post({}, { id: '7', csrf })).statusCode).toBe(401);
    expect((await post({ cookie: `${cookie}x` }, { id: '7', csrf })).statusCode).toBe(401);
    for (const refused of [await post({ cookie }, { id: '7' }), await post({ cookie }, { id: '7', csrf: 'x' }), await post({ cookie: other.cookie }, { id: '7', csrf: csrf === other.csrf ? 'x' : csrf }), await post({ cookie, origin: 'https://evil.example' }, { id: '7', csrf })]) {
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('CONNECTD_ERR_DAEMON_UI_REFUSED');
    }
    expect(replayed).toEqual([]);
    const done = await post({ cookie, origin: 'http://localhost:3000' }, { id: '7', csrf });
    expect([done.statusCode, done.headers.location]).toEqual([303, '/ui?done=replay&n=1&again=0&skipped=0&gone=0']);
    expect(replayed).toEqual([['7']]);
    const all = await post({ cookie }, { connection: 'shop', stream: 'products', csrf });
    expect(all.statusCode).toBe(303);
    expect(replayed).toEqual([['7'], ['7']]);
  });

  it('makes a reconnect link for a connection and shows it; logout clears the cookie', async () => {
    const { app } = server();
    const { cookie, csrf } = await login(app);
    const made = await app.inject({ method: 'POST', url: '/ui/reconnect', headers: { ...FORM, cookie }, payload: form({ connection: 'acme-co', csrf }) });
    expect(made.statusCode).toBe(200);
    expect(made.body).toContain('href="http://localhost:3000/oauth/acme/start?session=abc"');
    const unknown = await app.inject({ method: 'POST', url: '/ui/reconnect', headers: { ...FORM, cookie }, payload: form({ connection: 'nope', csrf }) });
    expect(unknown.statusCode).toBe(404);
    const out = await app.inject({ method: 'POST', url: '/ui/logout', headers: { ...FORM, cookie }, payload: form({ csrf }) });
    expect([out.statusCode, String(out.headers['set-cookie'])]).toEqual([303, 'connectd_ui=; HttpOnly; SameSite=Strict; Path=/ui; Max-Age=0']);
  });

  it('reads only form bodies: JSON to a form is refused like any unauthenticated post, a deep one by the JSON parser first', async () => {
    const { app } = server();
    const json = { 'content-type': 'application/json' };
    for (const url of ['/ui/login', '/ui/logout', '/ui/replay', '/ui/reconnect']) {
      expect([url, (await app.inject({ method: 'POST', url, headers: json, payload: '{"token":1}' })).statusCode]).toEqual([url, 401]);
      expect([url, (await app.inject({ method: 'POST', url, headers: json, payload: `${'['.repeat(1000)}${']'.repeat(1000)}` })).statusCode]).toEqual([url, 400]);
    }
    const big = await app.inject({ method: 'POST', url: '/ui/login', headers: FORM, payload: `token=${'a'.repeat(20_000)}` });
    expect(big.statusCode).toBe(413);
  });
});
