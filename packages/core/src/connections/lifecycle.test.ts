import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createVault, credentialAad, parseKeyRing } from '../auth/index.js';
import { createLogger } from '../log/index.js';
import { loadProject, type Project } from '../project/index.js';
import { memoryConnectionStore, type MemoryConnectionStore } from '../testing/memory-connection-store.js';
import { ConnectionLifecycle } from './lifecycle.js';
import { SECRET_SETTING_KIND_PREFIX } from './ports.js';
import { ConnectionRuntimeSet } from './runtime-set.js';

const log = createLogger({ level: 'silent' });
const vault = createVault(parseKeyRing({ CONNECTD_SECRET_KEY: randomBytes(32).toString('base64') })!);

async function project(yaml: string, env: Record<string, string> = {}): Promise<Project> {
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-lifecycle-')), 'connectors.yaml');
  writeFileSync(path, yaml);
  return loadProject(path, env);
}

const YAML = `version: 1
connectors:
  vendor:
    base_url: http://127.0.0.1:9
    auth: { type: bearer, token: "{token}" }
    connections: []
    streams:
      items: { request: { path: /items }, entity: product, schedule: "*/5 * * * *" }
  declared:
    base_url: http://127.0.0.1:9
  sleepy:
    optional: true
    base_url: \${SLEEPY_URL}
`;

let runtimes: ConnectionRuntimeSet | undefined;
afterEach(async () => {
  await runtimes?.close();
});

function lifecycleOf(p: Project, store: MemoryConnectionStore, withVault = true) {
  runtimes = new ConnectionRuntimeSet();
  const scheduled: string[] = [];
  const forgotten: string[] = [];
  const lifecycle = new ConnectionLifecycle({
    project: p,
    store,
    log,
    runtimes,
    runtimeDeps: { log, signal: new AbortController().signal },
    vault: withVault ? vault : undefined,
    forgetTokens: (id) => forgotten.push(id),
    schedule: (runtime) => scheduled.push(`+${runtime.connection.id}`),
    unschedule: (id) => scheduled.push(`-${id}`),
  });
  const ids = (): string[] => runtimes!.all().map((r) => r.connection.id).sort();
  return { lifecycle, runtimes, scheduled, forgotten, ids };
}

describe('ConnectionLifecycle', () => {
  it('records and runs the declared connections of active connectors only, and knows they are declared', async () => {
    const store = memoryConnectionStore();
    const { lifecycle, ids, scheduled } = lifecycleOf(await project(YAML), store);
    await lifecycle.start();
    expect(ids()).toEqual(['declared']);
    expect((await store.list()).map((r) => [r.id, r.connector, r.tenantId])).toEqual([['declared', 'declared', 'default']]);
    expect(lifecycle.isDeclared('declared')).toBe(true);
    expect(lifecycle.isDeclared('sleepy')).toBe(false);
    expect(scheduled).toEqual(['+declared']);
  });

  it('picks up connections another daemon created, disabled or deleted, and leaves declared ones alone', async () => {
    const store = memoryConnectionStore();
    const { lifecycle, ids, runtimes: set, forgotten } = lifecycleOf(await project(YAML), store);
    await lifecycle.start();

    store.put({ id: 'vendor-acme', connector: 'vendor', tenantId: 'acme', config: { token: 't-1' } });
    await lifecycle.reconcile();
    expect(ids()).toEqual(['declared', 'vendor-acme']);
    expect(set.get('vendor', 'vendor-acme')?.connection).toEqual({ id: 'vendor-acme', tenant: 'acme', config: { token: 't-1' } });

    await store.setStatus('vendor-acme', 'disabled', 'by another daemon');
    await lifecycle.reconcile();
    expect(ids()).toEqual(['declared']);
    expect(set.unavailable().map((u) => [u.connectionId, u.code])).toEqual([['vendor-acme', 'CONNECTD_ERR_CONNECTION_DISABLED']]);

    await store.delete('vendor-acme');
    await lifecycle.reconcile();
    expect(ids()).toEqual(['declared']);
    expect(set.unavailable()).toEqual([]);
    expect(forgotten).toContain('vendor-acme');
  });

  it('keeps a connection that needs re-consent but schedules none of its streams until it is active again', async () => {
    const store = memoryConnectionStore();
    const { lifecycle, ids, scheduled } = lifecycleOf(await project(YAML), store);
    await lifecycle.start();
    store.put({ id: 'vendor-acme', connector: 'vendor', tenantId: 'acme', config: { token: 't-1' } });
    await lifecycle.reconcile();
    expect(scheduled.filter((s) => s.endsWith('vendor-acme'))).toEqual(['-vendor-acme', '+vendor-acme']);

    await store.setStatus('vendor-acme', 'needs_reauth', 'the token endpoint refused the refresh token');
    await lifecycle.reconcile();
    expect(ids()).toEqual(['declared', 'vendor-acme']);
    expect(scheduled.filter((s) => s.endsWith('vendor-acme'))).toEqual(['-vendor-acme', '+vendor-acme', '-vendor-acme']);

    await store.setStatus('vendor-acme', 'active', null);
    await lifecycle.reconcile();
    expect(scheduled.filter((s) => s.endsWith('vendor-acme'))).toEqual(['-vendor-acme', '+vendor-acme', '-vendor-acme', '-vendor-acme', '+vendor-acme']);
  });

  it('does nothing for a connection it has seen unchanged, and rebuilds one whose row changed', async () => {
    const store = memoryConnectionStore();
    const { lifecycle, runtimes: set } = lifecycleOf(await project(YAML), store);
    await lifecycle.start();
    store.put({ id: 'vendor-acme', connector: 'vendor', tenantId: 'acme', config: { token: 't-1' } });
    await lifecycle.reconcile();
    const first = set.get('vendor', 'vendor-acme');
    await lifecycle.reconcile();
    expect(set.get('vendor', 'vendor-acme')).toBe(first);
    store.put({ id: 'vendor-acme', connector: 'vendor', tenantId: 'acme', config: { token: 't-2' } });
    await lifecycle.reconcile();
    expect(set.get('vendor', 'vendor-acme')).not.toBe(first);
    expect(set.get('vendor', 'vendor-acme')?.templateValues['token']).toBe('t-2');
  });

  it('decrypts stored secret settings into the runtime, never into the connection config, and tells the scrubber', async () => {
    const store = memoryConnectionStore();
    const secrets: string[] = [];
    const p = await project(YAML);
    runtimes = new ConnectionRuntimeSet();
    const lifecycle = new ConnectionLifecycle({ project: p, store, log, runtimes, runtimeDeps: { log, signal: new AbortController().signal }, vault, onSecret: (v) => secrets.push(v), schedule: () => undefined, unschedule: () => undefined });
    const kind = `${SECRET_SETTING_KIND_PREFIX}token`;
    const record = await store.saveWithSecrets({ id: 'vendor-acme', connector: 'vendor', tenantId: 'acme', config: {}, secrets: [{ kind, ...vault.encrypt('sk-live-123456', credentialAad('vendor-acme', kind)) }] });
    await lifecycle.attach(record);
    const runtime = runtimes.get('vendor', 'vendor-acme')!;
    expect(runtime.templateValues['token']).toBe('sk-live-123456');
    expect(runtime.connection.config).toEqual({});
    expect(secrets).toEqual(['sk-live-123456']);
  });

  it('reports a connection with stored secrets as unavailable when no vault key is configured', async () => {
    const store = memoryConnectionStore();
    const { lifecycle, runtimes: set } = lifecycleOf(await project(YAML), store, false);
    const kind = `${SECRET_SETTING_KIND_PREFIX}token`;
    const record = await store.saveWithSecrets({ id: 'vendor-acme', connector: 'vendor', tenantId: 'acme', config: {}, secrets: [{ kind, ...vault.encrypt('x-secret', credentialAad('vendor-acme', kind)) }] });
    await lifecycle.attach(record);
    expect(set.unavailable().map((u) => [u.connectionId, u.code])).toEqual([['vendor-acme', 'CONNECTD_ERR_VAULT_NO_KEY']]);
  });

  it('reports a connection whose auth cannot be made as unavailable instead of failing the others', async () => {
    const store = memoryConnectionStore();
    const yaml = `version: 1
connectors:
  vendor:
    base_url: http://127.0.0.1:9
    auth: { type: oauth2, grant: client_credentials, token_url: "http://127.0.0.1:1/token", client_id: id, client_secret: s }
    connections: [{ id: acme, tenant: acme-inc }]
  declared:
    base_url: http://127.0.0.1:9
`;
    const { lifecycle, ids, runtimes: set } = lifecycleOf(await project(yaml), store);
    await lifecycle.start();
    expect(ids()).toEqual(['declared']);
    expect(set.unavailable()).toEqual([expect.objectContaining({ connector: 'vendor', connectionId: 'acme', code: 'CONNECTD_ERR_AUTH_NO_TOKEN_PROVIDER' })]);
  });

  it('detaches a connection: no runtime, no schedule, no cached tokens', async () => {
    const store = memoryConnectionStore();
    const { lifecycle, ids, scheduled, forgotten } = lifecycleOf(await project(YAML), store);
    await lifecycle.start();
    await lifecycle.detach('declared');
    expect(ids()).toEqual([]);
    expect(scheduled).toEqual(['+declared', '-declared']);
    expect(forgotten).toEqual(['declared']);
  });
});
