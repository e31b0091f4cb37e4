import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabases, oneStoreBackend, waitFor } from '@connectd/core/testing';
import { repoRoot, startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { freshTarget, withStore } from './support/sync-project.js';
import {
  FAKE_SUITEQL_PATH,
  FAKE_TBA_CREDENTIALS,
  FAKE_TOKEN_PATH,
  sampleNetsuiteData,
  startFakeNetsuite,
  type FakeNetsuite,
} from '../examples/third-party/connectd-connector-netsuite/src/testing/fake-netsuite.js';

// Issue 16 acceptance: the NetSuite plugin, a package outside the workspace written only against
// @connectd/core/connector, built with tsc, installed by path into an integrator's folder and run
// by `connectd run`, syncs its fake's data with every request TBA-signed and verified by the fake.

const run = promisify(execFile);
const PLUGIN_DIR = join(repoRoot, 'examples/third-party/connectd-connector-netsuite');
const ADMIN_TOKEN = 'adm1n-netsuite-e2e-5d0c';
const STREAMS = ['locations', 'items', 'inventory', 'sales_orders'] as const;
const EVERY_2_SECONDS = '*/2 * * * * *';

const dbs = createTestDatabases();
const running: DaemonProcess[] = [];
const fakes: FakeNetsuite[] = [];
afterAll(() => dbs.dispose());
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

beforeAll(async () => {
  // The package's own build, with the repository's TypeScript (core's dist is built before the suite).
  await run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', PLUGIN_DIR], { cwd: PLUGIN_DIR });
}, 120_000);

/** An integrator's folder: package.json naming the plugin by path, installed with npm (a symlink, no registry), and connectors.yaml. */
const TBA_AUTH = [
  '    auth:',
  '      account: ${NETSUITE_ACCOUNT}',
  '      consumer_key: ${NETSUITE_CONSUMER_KEY}',
  '      consumer_secret: ${NETSUITE_CONSUMER_SECRET}',
  '      token_id: ${NETSUITE_TOKEN_ID}',
  '      token_secret: ${NETSUITE_TOKEN_SECRET}',
];

async function integratorProject(auth: readonly string[] = TBA_AUTH): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'netsuite-integrator-'));
  const manifest = { name: 'netsuite-integrator', private: true, dependencies: { 'connectd-connector-netsuite': `file:${PLUGIN_DIR}` } };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
  const config = [
    'version: 1',
    'plugins: [connectd-connector-netsuite]',
    'connectors:',
    '  netsuite:',
    '    extends: netsuite/default',
    '    base_url: ${NETSUITE_BASE_URL}',
    ...auth,
    // Small pages, so every stream walks several of them; schedules every 2 s instead of hourly.
    '    pagination: { limit: 5 }',
    '    streams:',
    ...STREAMS.map((stream) => `      ${stream}: { schedule: "${EVERY_2_SECONDS}" }`),
    '',
  ];
  writeFileSync(join(dir, 'connectors.yaml'), config.join('\n'));
  return dir;
}

interface StreamEntry {
  readonly connector: string;
  readonly stream: string;
  readonly lastRun: { readonly result: string; readonly error: string | null } | null;
}

async function succeededStreams(daemonUrl: string): Promise<string[]> {
  const res = await fetch(`${daemonUrl}/api/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = (await res.json()) as { streams?: StreamEntry[] };
  return (body.streams ?? []).filter((s) => s.connector === 'netsuite' && s.lastRun?.result === 'succeeded').map((s) => s.stream).sort();
}

describe.each(oneStoreBackend())('NetSuite as an installed third-party plugin on %s', (backend) => {
  it('syncs locations, items, inventory and sales orders through connectd run, every request signed and verified', async () => {
    const fake = await startFakeNetsuite({ data: sampleNetsuiteData({ locations: 3, items: 12, orders: 7 }) });
    fakes.push(fake);
    const project = await integratorProject();
    // npm linked the folder (readlink throws on a copy): the daemon loads this very build.
    expect(readlinkSync(join(project, 'node_modules/connectd-connector-netsuite'))).not.toBe('');
    expect(realpathSync(join(project, 'node_modules/connectd-connector-netsuite'))).toBe(realpathSync(PLUGIN_DIR));
    // A throttled and a failing answer first: the retries must go out signed afresh.
    fake.fail(`POST ${FAKE_SUITEQL_PATH}`, [{ status: 429, retryAfter: 1 }, { status: 503 }]);
    const target = await freshTarget(backend, dbs);
    const env = {
      ...target.env,
      CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN,
      CONNECTD_WORKER_POLL_MS: '100',
      NETSUITE_BASE_URL: fake.url,
      NETSUITE_ACCOUNT: FAKE_TBA_CREDENTIALS.account,
      NETSUITE_CONSUMER_KEY: FAKE_TBA_CREDENTIALS.consumerKey,
      NETSUITE_CONSUMER_SECRET: FAKE_TBA_CREDENTIALS.consumerSecret,
      NETSUITE_TOKEN_ID: FAKE_TBA_CREDENTIALS.tokenId,
      NETSUITE_TOKEN_SECRET: FAKE_TBA_CREDENTIALS.tokenSecret,
    };
    const daemon = await startDaemonProcess({ env, config: join(project, 'connectors.yaml'), timeoutMs: 60_000 });
    running.push(daemon);
    await waitFor('all four NetSuite streams to succeed once', async () => (await succeededStreams(daemon.url)).length === STREAMS.length, { timeoutMs: 60_000 });
    expect(await daemon.stop('SIGTERM')).toBe(0);

    const api = fake.requests.filter((r) => r.path === FAKE_SUITEQL_PATH);
    // At least one full walk of each query, 5 rows a page, each page at an offset on the limit's grid.
    const { data } = fake;
    const pages = [data.locations, data.items, data.balances, data.salesOrders].reduce((n, rows) => n + Math.ceil(rows.length / 5), 0);
    expect(api.length).toBeGreaterThanOrEqual(pages);
    expect(new Set(api.map((r) => r.query.get('offset'))).size).toBe(Math.ceil(data.balances.length / 5));
    expect(api.every((r) => r.headers['prefer'] === 'transient' && /^OAuth realm="1234567_SB1", /.test(r.headers['authorization'] ?? ''))).toBe(true);
    expect(fake.authChecks.filter((c) => !c.ok)).toEqual([]);
    // Every request but the two faulted ones was verified, and no nonce was ever sent twice.
    expect(fake.authChecks).toHaveLength(api.length - 2);
    const nonces = api.map((r) => /oauth_nonce="([^"]+)"/.exec(r.headers['authorization'] ?? '')?.[1]);
    expect(new Set(nonces).size).toBe(api.length);

    const landed = await withStore(target, async (db) => ({
      stores: (await db.query(`select natural_key, name, active from connectd.stores order by natural_key`)).rows,
      products: (await db.query(`select natural_key, name, barcode from connectd.products order by natural_key`)).rows,
      levels: (await db.query<{ natural_key: string; quantity: string }>(`select natural_key, quantity::text as quantity from connectd.inventory_levels order by natural_key`)).rows,
      orders: (await db.query(`select external_id, customer_email, status from connectd.orders order by external_id`)).rows,
    }));
    expect(landed.stores).toEqual(data.locations.map((l) => ({ natural_key: l['id'], name: l['name'], active: l['isinactive'] === 'F' })));
    expect(landed.products).toEqual(data.items.map((i) => ({ natural_key: i['itemid'], name: i['displayname'] ?? i['itemid'], barcode: i['upccode'] ?? null })));
    const levels = data.balances.map((b) => ({ natural_key: `${b['location']}/${b['sku']}`, quantity: b['quantityonhand'] }));
    expect(landed.levels).toEqual(levels.sort((a, b) => (a.natural_key < b.natural_key ? -1 : 1)));
    expect(landed.orders).toEqual(data.salesOrders.map((o) => ({ external_id: o['tranid'], customer_email: o['email'] ?? null, status: o['status'] })));

    // The fake is no pushover: a signed request with one field changed (the nonce) is refused with NetSuite's 401.
    const forged = await fetch(`${fake.url}${FAKE_SUITEQL_PATH}?limit=5&offset=0`, {
      method: 'POST',
      headers: { prefer: 'transient', 'content-type': 'application/json', authorization: api[0]!.headers['authorization']!.replace(/oauth_nonce="[^"]*"/, 'oauth_nonce="forged"') },
      body: api[0]!.text(),
    });
    expect(forged.status).toBe(401);
    expect(fake.authChecks.at(-1)).toMatchObject({ ok: false, reason: 'signature' });
  }, 180_000);

  it('syncs with OAuth 2.0 client credentials instead: a JWT assertion for a bearer token, no TBA header', async () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const mapping = { clientId: 'e2e-client-7a1f', certificateId: 'e2e-cert-3b9c' };
    const fake = await startFakeNetsuite({ data: sampleNetsuiteData({ locations: 2, items: 6, orders: 3 }), clientCredentials: { ...mapping, publicKey: keys.publicKey } });
    fakes.push(fake);
    const auth = ['    auth:', '      type: netsuite/client_credentials', '      client_id: ${NETSUITE_CLIENT_ID}', '      certificate_id: ${NETSUITE_CERTIFICATE_ID}', '      private_key: ${NETSUITE_PRIVATE_KEY}', '      algorithm: ES256'];
    const project = await integratorProject(auth);
    const target = await freshTarget(backend, dbs);
    const env = {
      ...target.env,
      CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN,
      CONNECTD_WORKER_POLL_MS: '100',
      NETSUITE_BASE_URL: fake.url,
      NETSUITE_CLIENT_ID: mapping.clientId,
      NETSUITE_CERTIFICATE_ID: mapping.certificateId,
      NETSUITE_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const daemon = await startDaemonProcess({ env, config: join(project, 'connectors.yaml'), timeoutMs: 60_000 });
    running.push(daemon);
    await waitFor('all four NetSuite streams to succeed once', async () => (await succeededStreams(daemon.url)).length === STREAMS.length, { timeoutMs: 60_000 });
    expect(await daemon.stop('SIGTERM')).toBe(0);

    const api = fake.requests.filter((r) => r.path === FAKE_SUITEQL_PATH);
    expect(api.every((r) => /^Bearer fake-ns-at-/.test(r.headers['authorization'] ?? ''))).toBe(true);
    expect(fake.authChecks.filter((c) => !c.ok)).toEqual([]);
    // One token for the whole run: it lasts an hour and is shared by the streams.
    expect(fake.requests.filter((r) => r.path === FAKE_TOKEN_PATH)).toHaveLength(1);
    const products = await withStore(target, async (db) => (await db.query<{ natural_key: string }>(`select natural_key from connectd.products order by natural_key`)).rows);
    expect(products.map((r) => r.natural_key)).toEqual(fake.data.items.map((i) => i['itemid']));
    // The key never reaches the log.
    expect(daemon.output()).not.toContain('PRIVATE KEY');
  }, 180_000);
});
