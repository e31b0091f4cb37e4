import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { createTestDatabases, fuzzCases, fuzzSummary as summary, fuzzViolations as violations, runFuzz } from '@connectd/core/testing';

const SECRET = 'fuzz-daemon-secret-73b';
const FUZZ_REQUESTS = 10_000;

/** A config with one connector whose webhooks verify a hex HMAC-SHA256 of the body. */
const FUZZ_CONFIG = `version: 1
connectors:
  storq:
    webhooks:
      verify: { type: hmac, header: Storq-Signature, algorithm: sha256, encoding: hex, secret: "\${FUZZ_WEBHOOK_SECRET}" }
      event_id: $.id
      event_type: $.type
      events:
        stock.updated: { entity: inventory_level, map: '{ "product": data.object.sku, "quantity": data.object.quantity }' }
`;

describe('connectd run under webhook fuzzing (child process)', () => {
  let daemon: DaemonProcess | undefined;
  // A data folder copied from an initialised cluster: initdb would cost seconds.
  const dbs = createTestDatabases();
  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    await dbs.dispose();
  });

  it(`answers ${FUZZ_REQUESTS} malformed webhook requests with 4xx, never 5xx, and stays healthy`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connectd-fuzz-'));
    const config = join(dir, 'connectors.yaml');
    writeFileSync(config, FUZZ_CONFIG);
    daemon = await startDaemonProcess({ config, env: { FUZZ_WEBHOOK_SECRET: SECRET, CONNECTD_DATA_DIR: await dbs.createDataDir() } });
    const { hostname, port } = new URL(daemon.url);

    const cases = fuzzCases({ host: hostname, port: Number(port), connector: 'storq', secret: SECRET }, FUZZ_REQUESTS, 7);
    const results = await runFuzz(hostname, Number(port), cases, 32);
    expect(violations(results), JSON.stringify(summary(results), null, 1)).toEqual([]);
    expect(results.filter((r) => r.status !== undefined).length).toBeGreaterThan(FUZZ_REQUESTS * 0.9);

    expect(daemon.child.exitCode).toBeNull();
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
    const body = '{"id":"evt_after_fuzz","type":"stock.updated","data":{"object":{"sku":"A-1","quantity":1}}}';
    const ok = await fetch(`${daemon.url}/webhooks/storq`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'storq-signature': createHmac('sha256', SECRET).update(body).digest('hex') },
    });
    expect(ok.status).toBe(202);
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/^connectd_webhooks_rejected_total\{connector="storq",reason="mismatch"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^connectd_webhooks_accepted_total\{connector="storq"\} 1$/m);
    // Nothing a client sent was logged as an error or worse.
    expect(daemon.output().split('\n').filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  }, 120_000);
});
