import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer, createMetrics } from '../../daemon/index.js';
import { createLogger } from '../../log/index.js';
import { createInboxWriter } from '../../persist/index.js';
import type { Store } from '../../store/index.js';
import { createTestDatabases } from '../../store/testing.js';
import { fuzzCases, runFuzz, summary, violations } from '../../testing/webhook-fuzz.js';
import { compileDeliveryKeys } from '../keys.js';
import { hmacVerifier } from '../verify/index.js';
import { createWebhookMetrics } from './metrics.js';
import { registerWebhookIntake } from './route.js';

const SECRET = 'fuzz-webhook-secret-5e1';
const FUZZ_REQUESTS = 10_000;

/**
 * The intake route inside the daemon's own HTTP server (buildHttpServer, as `connectd run`
 * composes it), on a real embedded store, hammered with malformed requests over loopback.
 */
describe('webhook intake under fuzzing (in-process server, PGlite)', () => {
  const dbs = createTestDatabases();
  const logLines: string[] = [];
  let app: ReturnType<typeof buildHttpServer>;
  let store: Store;
  let port: number;

  beforeAll(async () => {
    store = await dbs.fresh('pglite', { migrate: true });
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } });
    const metrics = createMetrics('0.0.0');
    const ctx = { log, signal: new AbortController().signal, now: () => new Date() };
    app = buildHttpServer({
      log,
      metrics,
      adminToken: 'admin-token-for-fuzz',
      isReady: () => store.isReady(),
      status: async () => ({}),
      routes: [
        (scope) =>
          registerWebhookIntake(scope, {
            connectors: new Map([
              [
                'storq',
                {
                  verifier: hmacVerifier.create({ header: 'Storq-Signature', secret: SECRET }, ctx),
                  keys: compileDeliveryKeys({ event_id: '$.id', event_type: '$.type' }, 'connectors.storq.webhooks'),
                },
              ],
            ]),
            inbox: createInboxWriter(store.db),
            log,
            metrics: createWebhookMetrics(metrics.registry),
          }),
      ],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await app?.close();
    await dbs.dispose();
  });

  it(`answers ${FUZZ_REQUESTS} malformed requests with 4xx only, stores nothing unverified, and stays healthy`, async () => {
    const cases = fuzzCases({ host: '127.0.0.1', port, connector: 'storq', secret: SECRET }, FUZZ_REQUESTS, 20260115);
    const results = await runFuzz('127.0.0.1', port, cases, 32);
    const bad = violations(results);
    expect(bad, JSON.stringify(summary(results), null, 1)).toEqual([]);
    expect(results.filter((r) => r.status !== undefined).length).toBeGreaterThan(FUZZ_REQUESTS * 0.9);

    // Still healthy, and still accepting a correct delivery.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const body = '{"id":"evt_after_fuzz","type":"stock.updated"}';
    const ok = await fetch(`http://127.0.0.1:${port}/webhooks/storq`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'storq-signature': createHmac('sha256', SECRET).update(body).digest('hex') },
    });
    expect(ok.status).toBe(202);
    const { rows } = await store.db.query<{ dedupe_key: string }>('select dedupe_key from connectd_engine.webhook_inbox');
    expect(rows.map((r) => r.dedupe_key)).toEqual(['evt_after_fuzz']);
    // Signed non-JSON bodies were kept as dead letters, one per such request.
    const signedTruncated = results.filter((r) => r.kind === 'truncated JSON, signed' && r.status === 400).length;
    const letters = await store.db.query<{ n: string }>(`select count(*) as n from connectd_engine.dead_letters where source_kind = 'webhook'`);
    expect(Number(letters.rows[0]!.n)).toBe(signedTruncated);
    // Nothing a client sent was logged as an error.
    expect(logLines.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  }, 90_000);
});
