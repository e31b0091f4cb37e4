import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createVault, credentialAad, parseKeyRing, type Vault } from '../auth/index.js';
import { createLogger } from '../log/index.js';
import { loadProject } from '../project/index.js';
import { rejectionOf } from '../testing/rejection.js';
import { memoryConnectionStore } from '../testing/memory-connection-store.js';
import { ConnectionAdmin } from './admin.js';
import { createConnectionDirectory } from './directory.js';
import { ConnectionLifecycle } from './lifecycle.js';
import { ConnectionRuntimeSet } from './runtime-set.js';
import { resolveRuntime } from './resolve.js';

const log = createLogger({ level: 'silent' });
/** The code a call rejects (or throws) with. */
const codeOf = async (call: Promise<unknown> | (() => Promise<unknown>)): Promise<string> => (await rejectionOf(typeof call === 'function' ? call() : call)).code;
const vault = createVault(parseKeyRing({ CONNECTD_SECRET_KEY: randomBytes(32).toString('base64') })!);

const YAML = `version: 1
connectors:
  vendor:
    base_url: http://127.0.0.1:9
    auth: { type: api_key, name: X-Api-Key, value: "{api_key}" }
    connections: []
  pos:
    base_url: http://127.0.0.1:9
    connections:
      - { id: pos-acme, tenant: acme, config: { account_id: M-ACME } }
      - { id: pos-globex, tenant: globex, config: { account_id: M-GLOBEX } }
  consent:
    base_url: http://127.0.0.1:9
    auth: { type: oauth2, authorize_url: "http://127.0.0.1:9/authorize", token_url: "http://127.0.0.1:9/token", client_id: c, client_secret: s }
  sleepy:
    optional: true
    base_url: \${SLEEPY_URL}
`;

let runtimes: ConnectionRuntimeSet | undefined;
afterEach(async () => {
  await runtimes?.close();
});

type RevokeCredentials = NonNullable<ConstructorParameters<typeof ConnectionAdmin>[0]['revokeCredentials']>;

async function setup(options: { vault?: Vault | undefined; revokeCredentials?: RevokeCredentials } = { vault }) {
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-admin-')), 'connectors.yaml');
  writeFileSync(path, YAML);
  const project = await loadProject(path, {});
  const store = memoryConnectionStore();
  runtimes = new ConnectionRuntimeSet();
  const lifecycle = new ConnectionLifecycle({
    project,
    store,
    log,
    runtimes,
    runtimeDeps: { log, signal: new AbortController().signal },
    vault: options.vault,
    schedule: () => undefined,
    unschedule: () => undefined,
  });
  await lifecycle.start();
  const admin = new ConnectionAdmin({ project, store, lifecycle, runtimes, vault: options.vault, log, revokeCredentials: options.revokeCredentials });
  return { project, store, lifecycle, admin, runtimes };
}

describe('ConnectionAdmin', () => {
  it('creates an API-key connection whose secret is encrypted, runs at once, and is never shown', async () => {
    const { admin, store, runtimes: set } = await setup();
    const { view, created } = await admin.create({ id: 'vendor-acme', connector: 'vendor', tenant: 'acme', config: { region: 'eu' }, secrets: { api_key: 'sk-acme-9f3c' } });
    expect(created).toBe(true);
    expect(view).toMatchObject({ id: 'vendor-acme', tenant: 'acme', status: 'active', config: { region: 'eu' }, declared: false, runtime: { state: 'ready' } });
    expect(view.credentials.map((c) => c.kind)).toEqual(['setting:api_key']);
    expect(JSON.stringify(view)).not.toContain('sk-acme-9f3c');
    const [stored] = store.settings('vendor-acme');
    expect(stored!.ciphertext.includes(Buffer.from('sk-acme-9f3c'))).toBe(false);
    expect(vault.decrypt(stored!.ciphertext, credentialAad('vendor-acme', 'setting:api_key'))).toBe('sk-acme-9f3c');
    expect(set.get('vendor', 'vendor-acme')?.templateValues['api_key']).toBe('sk-acme-9f3c');
    expect((await admin.create({ id: 'vendor-acme', connector: 'vendor', tenant: 'acme', config: {}, secrets: { api_key: 'sk-2' } })).created).toBe(false);
  });

  it('refuses what it must not create, before storing anything', async () => {
    const { admin, store } = await setup();
    const create = (input: Partial<Parameters<ConnectionAdmin['create']>[0]>) =>
      codeOf(admin.create({ id: 'x', connector: 'vendor', tenant: 't', config: {}, secrets: {}, ...input }));
    expect(await create({ connector: 'nope' })).toBe('CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR');
    expect(await create({ connector: 'consent' })).toBe('CONNECTD_ERR_CONNECTION_NEEDS_CONSENT');
    expect(await create({ id: 'pos-acme', connector: 'pos' })).toBe('CONNECTD_ERR_CONNECTION_DECLARED_IN_CONFIG');
    expect((await store.list()).map((r) => r.id)).toEqual(['pos-acme', 'pos-globex']);
    const keyless = await setup({ vault: undefined });
    expect(await codeOf(keyless.admin.create({ id: 'x', connector: 'vendor', tenant: 't', config: {}, secrets: { api_key: 'k' } }))).toBe('CONNECTD_ERR_VAULT_NO_KEY');
  });

  it('disables, enables and deletes a connection, and keeps declared ones from being deleted', async () => {
    const { admin, runtimes: set } = await setup();
    await admin.create({ id: 'vendor-acme', connector: 'vendor', tenant: 'acme', config: {}, secrets: { api_key: 'k-1' } });
    expect((await admin.disable('vendor-acme')).runtime).toMatchObject({ state: 'unavailable', error: expect.stringContaining('CONNECTD_ERR_CONNECTION_DISABLED') });
    expect(set.get('vendor', 'vendor-acme')).toBeUndefined();
    expect((await admin.enable('vendor-acme')).runtime).toMatchObject({ state: 'ready' });
    await admin.delete('vendor-acme');
    expect(await codeOf(admin.get('vendor-acme'))).toBe('CONNECTD_ERR_CONNECTION_NOT_FOUND');
    expect(await codeOf(admin.delete('pos-acme'))).toBe('CONNECTD_ERR_CONNECTION_DECLARED_IN_CONFIG');
    expect((await admin.list({ connector: 'pos' })).map((v) => [v.id, v.declared])).toEqual([['pos-acme', true], ['pos-globex', true]]);
  });

  it("revokes a deleted connection's credentials while they are still stored, after its runtime stopped", async () => {
    const seen: Array<{ id: string; stored: boolean; secrets: number; running: boolean }> = [];
    const h = await setup({
      vault,
      revokeCredentials: async (connection) => {
        seen.push({ id: connection.id, stored: (await h.store.get(connection.id)) !== undefined, secrets: h.store.settings(connection.id).length, running: h.runtimes.get('vendor', connection.id) !== undefined });
      },
    });
    await h.admin.create({ id: 'vendor-acme', connector: 'vendor', tenant: 'acme', config: {}, secrets: { api_key: 'k-1' } });
    await h.admin.delete('vendor-acme');
    expect(seen).toEqual([{ id: 'vendor-acme', stored: true, secrets: 1, running: false }]);
    expect(await h.store.get('vendor-acme')).toBeUndefined();
    expect(h.store.settings('vendor-acme')).toEqual([]);
    // Disabling is reversible: it revokes nothing.
    await h.admin.create({ id: 'vendor-beta', connector: 'vendor', tenant: 'beta', config: {}, secrets: { api_key: 'k-2' } });
    await h.admin.disable('vendor-beta');
    expect(seen).toHaveLength(1);
  });

  it('deletes the connection even when revoking fails', async () => {
    const h = await setup({
      vault,
      revokeCredentials: async () => {
        throw new Error('vendor down');
      },
    });
    h.store.put({ id: 'consent-acme', connector: 'consent', tenantId: 'acme', vendorAccountId: 'M-ACME' });
    await h.admin.delete('consent-acme');
    expect(await codeOf(h.admin.get('consent-acme'))).toBe('CONNECTD_ERR_CONNECTION_NOT_FOUND');
  });

  it('needs the tenant to reconnect a connection whose grant is gone, not a flag', async () => {
    const { admin, store } = await setup();
    store.put({ id: 'consent-acme', connector: 'consent', tenantId: 'acme', status: 'needs_reauth', statusReason: 'invalid_grant' });
    expect(await codeOf(admin.enable('consent-acme'))).toBe('CONNECTD_ERR_CONNECTION_NEEDS_CONSENT');
  });
});

describe('resolveRuntime', () => {
  it('names what exists: an unknown connector, an idle one, a connection that is not running', async () => {
    const { project, runtimes: set } = await setup();
    expect(resolveRuntime(project, set, 'pos', 'pos-globex').connection.tenant).toBe('globex');
    expect(resolveRuntime(project, set, 'pos').connection.id).toBe('pos-acme');
    const code = (connector: string, id?: string) => codeOf(async () => resolveRuntime(project, set, connector, id));
    expect(await code('nope')).toBe('CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR');
    expect(await code('sleepy')).toBe('CONNECTD_ERR_CONNECTION_UNAVAILABLE');
    expect(await code('pos', 'pos-nobody')).toBe('CONNECTD_ERR_CONNECTION_UNAVAILABLE');
    expect(await code('vendor')).toBe('CONNECTD_ERR_CONNECTION_UNAVAILABLE');
  });
});

describe('webhook routing (connection directory)', () => {
  it('routes by a declared account id, then by a stored vendor account id, and caches only hits', async () => {
    const { project, store } = await setup();
    const directory = createConnectionDirectory(project, store);
    expect(await directory.resolve('pos', 'M-GLOBEX')).toMatchObject({ ok: true, connection: { id: 'pos-globex', tenant: 'globex' } });
    expect(await directory.resolve('pos', 'M-LATE')).toMatchObject({ ok: false });
    store.put({ id: 'pos-late', connector: 'pos', tenantId: 'late', vendorAccountId: 'M-LATE' });
    expect(await directory.resolve('pos', 'M-LATE')).toMatchObject({ ok: true, connection: { id: 'pos-late', tenant: 'late' } });
  });

  it('gives an event without a route to the connector\'s only connection, and refuses to guess among several', async () => {
    const { project, store } = await setup();
    const directory = createConnectionDirectory(project, store);
    expect(await directory.resolve('pos', undefined)).toEqual({ ok: false, reason: expect.stringContaining('2 connections') });
    expect(await directory.resolve('vendor', undefined)).toEqual({ ok: false, reason: 'the connector has no connection' });
    store.put({ id: 'vendor-acme', connector: 'vendor', tenantId: 'acme' });
    expect(await directory.resolve('vendor', undefined)).toMatchObject({ ok: true, connection: { id: 'vendor-acme' } });
    expect(await directory.byId('vendor', 'vendor-acme')).toMatchObject({ id: 'vendor-acme', tenant: 'acme' });
    expect(await directory.byId('pos', 'vendor-acme')).toBeUndefined();
  });
});
