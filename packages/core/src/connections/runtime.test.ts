import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { createFakeHttpServer, reply, type FakeHttpServer } from '../testing/fake-http-server.js';
import { formatStatus } from '../cli/format.js';
import { createHttpMetrics } from '../http/index.js';
import { loadProject } from '../project/index.js';
import { memoryConnectionStore } from '../testing/memory-connection-store.js';
import { ConnectionLifecycle } from './lifecycle.js';
import { ConnectionRuntimeSet, type ConnectionRuntimes } from './runtime-set.js';

const API_KEY = 'key-for-acme-4f1d9c';
let server: FakeHttpServer | undefined;
let runtimes: ConnectionRuntimes | undefined;

afterEach(async () => {
  await runtimes?.close();
  await server?.close();
});

function logSink(): { destination: Writable; text: () => string } {
  let text = '';
  return {
    destination: new Writable({ write: (chunk: Buffer, _e, done) => ((text += chunk.toString()), done()) }),
    text: () => text,
  };
}

async function setup(yamlConnector: string): Promise<{ registry: Registry; sink: ReturnType<typeof logSink> }> {
  server = await createFakeHttpServer();
  const dir = mkdtempSync(join(tmpdir(), 'connectd-runtime-'));
  const path = join(dir, 'connectors.yaml');
  writeFileSync(path, `version: 1\nconnectors:\n  vendor:\n    base_url: ${server.url}\n${yamlConnector}`);
  const project = await loadProject(path, { ACME_KEY: API_KEY });
  const registry = new Registry();
  const sink = logSink();
  const log = createLogger({ destination: sink.destination, level: 'debug' });
  const set = new ConnectionRuntimeSet();
  runtimes = set;
  const lifecycle = new ConnectionLifecycle({
    project,
    store: memoryConnectionStore(),
    log,
    runtimes: set,
    runtimeDeps: { log, metrics: createHttpMetrics(registry), signal: new AbortController().signal },
    schedule: () => undefined,
    unschedule: () => undefined,
  });
  await lifecycle.start();
  return { registry, sink };
}

describe('connection runtimes: the HTTP runtime of each connection, as its connector declares it', () => {
  it('authorises with the connection’s own key filled into the declared auth', async () => {
    await setup(
      [
        '    auth: { type: api_key, in: header, name: X-Api-Key, value: "{api_key}" }',
        '    connections:',
        '      - id: acme',
        '        tenant: acme-inc',
        '        config: { api_key: "${ACME_KEY}" }',
        '',
      ].join('\n'),
    );
    server!.route('GET', '/ping', () => reply.json({ ok: true }));
    const runtime = runtimes!.get('vendor', 'acme')!;
    expect(runtime.connection).toEqual({ id: 'acme', tenant: 'acme-inc', config: { api_key: API_KEY } });
    const response = await runtime.client.send({ method: 'GET', url: `${server!.url}/ping` });
    expect(response.status).toBe(200);
    expect(server!.requests.map((r) => r.headers['x-api-key'])).toEqual([API_KEY]);
  });

  it('sends the connector’s headers with every request, filled from the connection, under the request’s own', async () => {
    await setup(['    headers: { Vendor-Version: "2025-08-20", X-Region: "{region}" }', '    connections:', '      - { id: eu, tenant: t, config: { region: eu-west } }', ''].join('\n'));
    server!.route('GET', '/h', () => reply.json({ ok: true }));
    const runtime = runtimes!.get('vendor', 'eu')!;
    await runtime.client.send({ method: 'GET', url: `${server!.url}/h` });
    await runtime.client.send({ method: 'GET', url: `${server!.url}/h`, headers: { 'vendor-version': '2026-01-01' } });
    expect(server!.requests.map((r) => [r.headers['vendor-version'], r.headers['x-region']])).toEqual([
      ['2025-08-20', 'eu-west'],
      ['2026-01-01', 'eu-west'],
    ]);
  });

  it('opens the breaker after the threshold, fails fast without sending, and shows it in /metrics and status', async () => {
    const { registry, sink } = await setup(
      ['    auth: { type: bearer, token: "${ACME_KEY}" }', '    retry: { max_attempts: 1 }', '    breaker: { failure_threshold: 2, cooldown_seconds: 30 }', ''].join('\n'),
    );
    server!.route('GET', '/down', () => reply.json({ error: 'down' }, 503));
    const runtime = runtimes!.get('vendor')!;
    for (let i = 0; i < 2; i++) await runtime.client.send({ method: 'GET', url: `${server!.url}/down` }).catch(() => undefined);
    expect(server!.requests).toHaveLength(2);

    const failFast = await runtime.client.send({ method: 'GET', url: `${server!.url}/down` }).catch((err: unknown) => err);
    expect(isConnectdError(failFast, 'CONNECTD_ERR_HTTP_BREAKER_OPEN')).toBe(true);
    expect(server!.requests).toHaveLength(2);

    const metrics = await registry.metrics();
    expect(metrics).toMatch(/^connectd_breaker_state\{connection="vendor:vendor"\} 2$/m);
    expect(metrics).toMatch(/^connectd_breaker_transitions_total\{connection="vendor:vendor",state="open"\} 1$/m);
    expect(metrics).toMatch(/^connectd_http_attempts_total\{connection="vendor:vendor",method="GET",outcome="503"\} 2$/m);

    const status = formatStatus({
      version: '0.0.0',
      source: 'daemon',
      store: { kind: 'pglite', ready: true },
      connectors: [],
      streams: [],
      connections: runtimes!.all().map((r) => ({ connector: r.connector, id: r.connection.id, tenant: r.connection.tenant, state: 'ready' as const, breaker: r.client.stats().breaker })),
    }).join('\n');
    expect(status).toMatch(/vendor:vendor\s+breaker open/);
    expect(sink.text()).toMatch(/"level":40[^\n]*breaker/i);
    expect(sink.text()).not.toContain(API_KEY);
  });
});
