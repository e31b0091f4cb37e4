import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
import { loadProject, type Project } from '../project/index.js';
import { memoryConnectionStore } from '../testing/memory-connection-store.js';
import { MemorySyncStore } from '../testing/memory-sync-store.js';
import { runStream } from '../sync/index.js';
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

/** A plugin package beside the config, `connectd-connector-<namespace>`, whose ESM entry is `source`. */
function writePlugin(dir: string, namespace: string, source: string): string {
  const name = `connectd-connector-${namespace}`;
  const root = join(dir, 'node_modules', name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name, version: '0.1.0', type: 'module', main: 'index.js' }));
  writeFileSync(join(root, 'index.js'), source);
  return name;
}

async function setup(
  yamlConnector: string,
  plugin?: { namespace: string; source: string },
): Promise<{ registry: Registry; sink: ReturnType<typeof logSink>; project: Project }> {
  server = await createFakeHttpServer();
  const dir = mkdtempSync(join(tmpdir(), 'connectd-runtime-'));
  const path = join(dir, 'connectors.yaml');
  const plugins = plugin === undefined ? '' : `plugins: [${writePlugin(dir, plugin.namespace, plugin.source)}]\n`;
  writeFileSync(path, `version: 1\n${plugins}connectors:\n  vendor:\n    base_url: ${server.url}\n${yamlConnector}`);
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
  return { registry, sink, project };
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

  it('paces by the rate-limit adapter: it prices each request and hears every answer, with no rate declared', async () => {
    const source = `
      const seen = (globalThis.__budgetAdapter = { priced: [], answers: [] });
      export default {
        meta: { name: 'connectd-connector-budget', version: '0.1.0', namespace: 'budget', engine: '^0.1.0' },
        rateLimitAdapters: {
          points: {
            meta: { type: 'points', description: 'points in a header', schema: { type: 'object', additionalProperties: false } },
            create: () => ({
              costOf: (request) => (seen.priced.push(request.url), 3),
              observe: (page) => {
                seen.answers.push(page.headers['x-points']);
                return { available: Number(page.headers['x-points']), maximum: 100, restorePerSecond: 1000 };
              },
            }),
          },
        },
      };`;
    await setup('    rate_limit: { adapter: { type: budget/points } }\n', { namespace: 'budget', source });
    server!.route('GET', '/p', () => reply.json({}, 200, { 'x-points': '97' }));
    const runtime = runtimes!.get('vendor')!;
    for (let i = 0; i < 3; i++) await runtime.client.send({ method: 'GET', url: `${server!.url}/p` });
    const seen = (globalThis as { __budgetAdapter?: { priced: string[]; answers: string[] } }).__budgetAdapter;
    expect(seen?.priced).toEqual([`${server!.url}/p`, `${server!.url}/p`, `${server!.url}/p`]);
    expect(seen?.answers).toEqual(['97', '97', '97']);
  });

  it('sends a stream’s pages with the stream’s own error_classifier: a 200 it calls rate-limited is retried, while a stream without one is not', async () => {
    const source = `
      export default {
        meta: { name: 'connectd-connector-throttle', version: '0.1.0', namespace: 'throttle', engine: '^0.1.0' },
        errorClassifiers: {
          body: {
            meta: { type: 'body', description: 'a 200 whose body says throttled is a rate limit', schema: { type: 'object', additionalProperties: false } },
            create: () => ({ classify: (page) => (page.body?.throttled === true ? 'rate-limited' : 'ok') }),
          },
        },
      };`;
    const { project } = await setup(
      [
        '    retry: { base_delay_ms: 1, max_delay_ms: 2 }',
        '    streams:',
        '      guarded:',
        '        request: { path: /guarded }',
        '        records: $.items',
        '        entity: product',
        '        map: \'{ "sku": sku }\'',
        '        error_classifier: { type: throttle/body }',
        '      plain:',
        '        request: { path: /plain }',
        '        records: $.items',
        '        entity: product',
        '        map: \'{ "sku": sku }\'',
        '',
      ].join('\n'),
      { namespace: 'throttle', source },
    );
    // Each path answers its first request with a throttle hidden in a 200, then with its record.
    for (const path of ['/guarded', '/plain']) {
      let calls = 0;
      server!.route('GET', path, () => (++calls === 1 ? reply.json({ throttled: true, items: [] }) : reply.json({ items: [{ sku: `${path.slice(1)}-1` }] })));
    }
    const runtime = runtimes!.get('vendor')!;
    expect([...runtime.streamClassifiers.keys()]).toEqual(['guarded']);
    const store = new MemorySyncStore();
    for (const name of ['guarded', 'plain']) {
      await runStream({ stream: project.streams('vendor').get(name)!, connection: runtime, store, mode: 'full' });
    }
    expect(server!.requests.map((r) => r.path)).toEqual(['/guarded', '/guarded', '/plain']);
    expect([...store.rows('product').keys()]).toEqual(['guarded-1']);
  });
});
