import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createFakeHttpServer, createTestDatabases, reply, type FakeHttpServer } from '@connectd/core/testing';
import { runCli, startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { waitFor } from '@connectd/core/testing';

// Issue 6, the admin API's connections: a tenant's API-key connection is created at run time, its
// key encrypted and used by the scheduled stream, and the connection is listed, disabled,
// enabled and deleted, without the key ever coming back.

const ADMIN_TOKEN = 'adm1n-connections-api-test-5e2b';
const TENANT_KEY = 'tenant-key-acme-8f3c1d77';
const SECRET_KEY = randomBytes(32).toString('base64');

// Data folders copied from an initialised cluster: initdb would cost seconds per process.
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const running: DaemonProcess[] = [];
let vendor: FakeHttpServer | undefined;
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await vendor?.close();
});

function writeConfig(vendorUrl: string): string {
  const config = {
    version: 1,
    connectors: {
      vendor: {
        base_url: vendorUrl,
        auth: { type: 'api_key', in: 'header', name: 'X-Api-Key', value: '{api_key}' },
        // Every connection is a tenant's, made through the admin API.
        connections: [],
        streams: {
          items: {
            request: { path: '/items', query: { region: '{region}' } },
            records: '$.items',
            entity: 'product',
            schedule: '* * * * * *',
            map: '{ "sku": sku, "name": name, "vendor_id": sku }',
          },
        },
      },
      oauthy: {
        base_url: vendorUrl,
        auth: { type: 'oauth2', authorize_url: `${vendorUrl}/authorize`, token_url: `${vendorUrl}/token`, client_id: 'cid', client_secret: 'csecret-oauthy-1' },
      },
    },
  };
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-connections-')), 'connectors.yaml');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

async function api(daemon: DaemonProcess, method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
  const response = await fetch(`${daemon.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: text === '' ? undefined : JSON.parse(text) };
}

describe('connections through the admin API', () => {
  it('creates an API-key connection whose encrypted key the scheduled stream uses, and lists, disables, enables and deletes it', async () => {
    vendor = await createFakeHttpServer();
    vendor.route('GET', '/items', (request) =>
      request.headers['x-api-key'] === TENANT_KEY ? reply.json({ items: [{ sku: 'SKU-1', name: 'One' }] }) : reply.json({ error: 'unauthorized' }, 401),
    );
    const config = writeConfig(vendor.url);
    const daemon = await startDaemonProcess({ env: { CONNECTD_DATA_DIR: await dbs.createDataDir(), CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN, CONNECTD_SECRET_KEY: SECRET_KEY, CONNECTD_WORKER_POLL_MS: '100' }, config, timeoutMs: 60_000 });
    running.push(daemon);

    const created = await api(daemon, 'POST', '/connections', { connector: 'vendor', tenant: 'acme', config: { region: 'eu' }, secrets: { api_key: TENANT_KEY } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: 'vendor-acme', connector: 'vendor', tenant: 'acme', status: 'active', config: { region: 'eu' }, declared: false });
    expect(created.json.credentials.map((c: { kind: string }) => c.kind)).toEqual(['setting:api_key']);
    expect(created.json.runtime.state).toBe('ready');
    expect(created.text).not.toContain(TENANT_KEY);

    // The scheduled stream of the new connection calls the vendor with the stored key.
    await waitFor('the vendor to be called with the tenant key', () => vendor!.requestsTo('GET', '/items').some((r) => r.headers['x-api-key'] === TENANT_KEY && r.query.get('region') === 'eu'), {
      timeoutMs: 30_000,
    });

    const list = await api(daemon, 'GET', '/connections?connector=vendor');
    expect(list.status).toBe(200);
    expect(list.json.connections.map((c: { id: string }) => c.id)).toEqual(['vendor-acme']);
    expect(list.text).not.toContain(TENANT_KEY);
    expect((await api(daemon, 'GET', '/connections/vendor-acme')).json.status).toBe('active');
    expect((await api(daemon, 'GET', '/connections/nope')).json.code).toBe('CONNECTD_ERR_CONNECTION_NOT_FOUND');

    const invalid = await api(daemon, 'POST', '/connections', { connector: 'vendor', tenant: 'a b', secrets: { api_key: 7 }, extra: true });
    expect(invalid.status).toBe(400);
    expect(invalid.json.code).toBe('CONNECTD_ERR_CONNECTION_REQUEST_INVALID');
    expect(invalid.json.message).toContain('tenant');
    expect(invalid.json.message).toContain('secrets.api_key');
    expect(invalid.json.message).toContain('unknown field "extra"');
    const oauth = await api(daemon, 'POST', '/connections', { connector: 'oauthy', tenant: 'acme' });
    expect([oauth.status, oauth.json.code]).toEqual([400, 'CONNECTD_ERR_CONNECTION_NEEDS_CONSENT']);

    const disabled = await api(daemon, 'POST', '/connections/vendor-acme/disable');
    expect(disabled.json).toMatchObject({ status: 'disabled', runtime: { state: 'unavailable' } });
    expect(disabled.json.runtime.error).toContain('CONNECTD_ERR_CONNECTION_DISABLED');
    const enabled = await api(daemon, 'POST', '/connections/vendor-acme/enable');
    expect(enabled.json).toMatchObject({ status: 'active', runtime: { state: 'ready' } });

    expect((await api(daemon, 'DELETE', '/connections/vendor-acme')).status).toBe(204);
    expect((await api(daemon, 'GET', '/connections/vendor-acme')).status).toBe(404);
    expect((await api(daemon, 'GET', '/connections')).json.connections).toEqual([]);

    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(daemon.output()).not.toContain(TENANT_KEY);
    expect(daemon.output()).not.toContain(SECRET_KEY);
  }, 90_000);

  it('prints the consent link for an OAuth connector, and refuses one that has no consent', async () => {
    const config = writeConfig('http://127.0.0.1:9');
    const env = { CONNECTD_PUBLIC_URL: 'https://connect.example.test/', PORT: '3999', CONNECTD_DATA_DIR: await dbs.createDataDir(), CONNECTD_SECRET_KEY: SECRET_KEY };
    const url = await runCli(['connect', 'oauthy', '--tenant', 'acme', '--param', 'shop=acme.example', '--config', config], env);
    expect(url.code, url.stderr).toBe(0);
    expect(url.stdout.trim()).toMatch(/^https:\/\/connect\.example\.test\/oauth\/oauthy\/start\?session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const refused = await runCli(['connect', 'vendor', '--tenant', 'acme', '--config', config], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('CONNECTD_ERR_CONNECTION_NOT_OAUTH');
  }, 60_000);
});
