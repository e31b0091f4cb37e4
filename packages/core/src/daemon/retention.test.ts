import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import { openStore } from '../store/index.js';
import { createTestDatabases } from '../store/testing.js';
import { startDaemon } from './compose.js';
import { readSettings } from './settings.js';

const dbs = createTestDatabases();
const dirs: string[] = [];
afterAll(async () => {
  await dbs.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const CONFIG = `version: 1
server:
  retention: { inbox_days: 3 }
connectors:
  storq:
    webhooks:
      verify: { type: hmac, header: Storq-Signature, algorithm: sha256, encoding: hex, secret: not-a-real-secret-0123456789 }
      event_id: $.id
      event_type: $.type
      events:
        stock.updated: { entity: inventory_level, map: '{ "product": data.object.sku, "quantity": data.object.quantity }' }
`;

describe('retention in connectd run', () => {
  it('prunes with server.retention, logs the pass with its counts and exposes them on /metrics', async () => {
    const dataDir = await dbs.createDataDir();
    const dir = mkdtempSync(join(tmpdir(), 'connectd-retention-'));
    dirs.push(dir);
    const configPath = join(dir, 'connectors.yaml');
    writeFileSync(configPath, CONFIG);
    const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
    const seed = await openStore({ dataDir, log: silent });
    await seed.migrate();
    // Processed 2 and 4 days ago: with inbox_days 3 the older one goes.
    await seed.db.query(
      `insert into connectd_engine.webhook_inbox (connector, dedupe_key, raw_body, status, processed_at)
       values ('storq', 'recent', '\\x7b7d', 'processed', now() - interval '2 days'), ('storq', 'old', '\\x7b7d', 'processed', now() - interval '4 days')`,
    );
    await seed.close();

    let logged = '';
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const env = { CONNECTD_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
    const daemon = await startDaemon({ configPath, env, settings: readSettings(env), logDestination });
    try {
      const report = await daemon.retentionPass();
      expect(report).toMatchObject({ outcome: 'completed', deleted: { webhook_inbox: 1, jobs: 0, dead_letters: 0, sync_runs: 0, oauth_states: 0 } });
      const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
      expect(metrics).toMatch(/^connectd_retention_deleted_total\{table="webhook_inbox"\} 1$/m);
      expect(metrics).toMatch(/^connectd_retention_deleted_total\{table="jobs"\} 0$/m);
      expect(metrics).toMatch(/^connectd_retention_passes_total\{outcome="completed"\} 1$/m);
      const lines = logged
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line['msg'] === 'retention pass done');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ component: 'retention', deleted: { webhook_inbox: 1 } });
    } finally {
      await daemon.stop();
    }
    const after = await openStore({ dataDir, log: silent });
    try {
      const { rows } = await after.db.query<{ dedupe_key: string }>('select dedupe_key from connectd_engine.webhook_inbox');
      expect(rows).toEqual([{ dedupe_key: 'recent' }]);
    } finally {
      await after.close();
    }
  });
});
