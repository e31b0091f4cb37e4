import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger, openStore } from '@connectd/core';
import { createTestDatabases } from '@connectd/core/testing';
import { startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';

const SECRET = 'intake-daemon-secret-41c';
const CONFIG = `version: 1
connectors:
  storq:
    webhooks:
      verify: { type: hmac, header: Storq-Signature, secret: "\${INTAKE_WEBHOOK_SECRET}" }
      event_id: $.id
      event_type: $.type
      events:
        stock.updated: { entity: inventory_level, map: '{ "product": data.object.sku, "quantity": data.object.quantity }' }
  closed:
    webhooks:
      verify: { type: hmac, header: Storq-Signature, secret: "\${UNSET_WEBHOOK_SECRET:-}" }
      events:
        stock.updated: { entity: inventory_level }
`;

// Data folders copied from an initialised cluster: initdb would cost seconds per daemon.
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const running: DaemonProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
});

function configFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'connectd-intake-'));
  writeFileSync(join(dir, 'connectors.yaml'), CONFIG);
  return join(dir, 'connectors.yaml');
}

async function start(config: string, dataDir: string): Promise<DaemonProcess> {
  const daemon = await startDaemonProcess({ config, env: { INTAKE_WEBHOOK_SECRET: SECRET, CONNECTD_DATA_DIR: dataDir } });
  running.push(daemon);
  return daemon;
}

const event = (i: number): string => JSON.stringify({ id: `evt_${i}`, type: 'stock.updated', data: { object: { sku: `SKU-${i}`, quantity: i } } });

function deliver(url: string, body: string, connector = 'storq'): Promise<number | undefined> {
  return fetch(`${url}/webhooks/${connector}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'storq-signature': createHmac('sha256', SECRET).update(body).digest('hex') },
  }).then(
    (res) => res.status,
    () => undefined,
  );
}

describe('webhook intake in connectd run (child process)', () => {
  it('commits every acknowledged delivery before its 2xx: a SIGKILL loses none, and redelivery is a duplicate', async () => {
    const config = configFile();
    const dataDir = await dbs.createDataDir();
    const daemon = await start(config, dataDir);
    const total = 300;
    const acknowledged = new Set<number>();
    let answered = 0;
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < total) {
        const i = next++;
        const status = await deliver(daemon.url, event(i));
        if (status === 202) acknowledged.add(i);
        // Kill the daemon mid-stream, with requests in flight.
        if (++answered === 100) daemon.child.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 16 }, sender));
    await daemon.stop('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(100);

    const store = await openStore({ dataDir, log: createLogger({ level: 'silent', destination: { write: () => undefined } }) });
    try {
      const { rows } = await store.db.query<{ dedupe_key: string }>(`select dedupe_key from connectd_engine.webhook_inbox where connector = 'storq'`);
      const stored = new Set(rows.map((r) => r.dedupe_key));
      expect(stored.size).toBe(rows.length);
      for (const i of acknowledged) expect(stored.has(`evt_${i}`)).toBe(true);
    } finally {
      await store.close();
    }

    const again = await start(config, dataDir);
    const statuses = await Promise.all([...acknowledged].slice(0, 50).map((i) => deliver(again.url, event(i))));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await deliver(again.url, event(total + 1))).toBe(202);
  }, 120_000);

  it('fails closed for a connector whose secret is empty, and exposes intake metrics', async () => {
    const daemon = await start(configFile(), await dbs.createDataDir());
    const body = event(1);
    expect(await deliver(daemon.url, body, 'closed')).toBe(401);
    expect(await deliver(daemon.url, body, 'nope')).toBe(404);
    expect(await deliver(daemon.url, body)).toBe(202);
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/^connectd_webhooks_rejected_total\{connector="closed",reason="no_secret"\} 1$/m);
    expect(metrics).toMatch(/^connectd_webhooks_rejected_total\{connector="_unknown",reason="unknown_connector"\} 1$/m);
    expect(metrics).toMatch(/^connectd_webhooks_accepted_total\{connector="storq"\} 1$/m);
    expect(metrics).toMatch(/^connectd_webhook_intake_duration_seconds_count\{connector="storq"\} 1$/m);
  }, 60_000);
});
