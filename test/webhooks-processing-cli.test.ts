import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, openStore } from '@connectd/core';
import { createTestDatabases, insertDeadLetters, upsertDeclaredConnection, webhookProcessingYaml as projectYaml } from '@connectd/core/testing';
import { runCli } from './support/daemon-process.js';

const silentLog = createLogger({ level: 'silent', destination: { write: () => undefined } });

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

function configFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-replay-cli-')), 'connectors.yaml');
  writeFileSync(path, projectYaml());
  return path;
}

describe('connectd replay (CLI)', () => {
  it('exits 2 with usage when it is not told which dead letters to replay', async () => {
    const result = await runCli(['replay', '--config', configFile()], { CONNECTD_DATA_DIR: await dbs.createDataDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CONNECTD_ERR_REPLAY_NO_SELECTION');
  });

  it('replays the open dead letters with the current config, prints the counts by kind, and is idempotent', async () => {
    const dataDir = await dbs.createDataDir();
    const store = await openStore({ dataDir, log: silentLog });
    await store.migrate();
    await upsertDeclaredConnection(store.db, { id: 'storq', connector: 'storq', tenantId: 'default' });
    await insertDeadLetters(store.db, [
      { sourceKind: 'sync', connector: 'storq', connectionId: 'storq', stream: 'stock', payload: { sku: 'C', quantity: 4 }, errorCode: 'CONNECTD_ERR_MAPPING_SCHEMA', reason: 'x' },
    ]);
    await store.close();

    const config = configFile();
    const first = await runCli(['replay', '--all', '--config', config], { CONNECTD_DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('replayed 1 dead letter: 0 webhook events, 0 webhook records, 1 sync record, 0 jobs');
    const again = await runCli(['replay', '--id', '1', '--config', config], { CONNECTD_DATA_DIR: dataDir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('replayed 0 dead letters');
    expect(again.stderr).toContain('not open (unknown or replayed before): 1');

    const check = await openStore({ dataDir, log: silentLog });
    try {
      const { rows } = await check.db.query<{ natural_key: string; quantity: string }>(`select natural_key, quantity::text as quantity from connectd.inventory_levels`);
      expect(rows).toEqual([{ natural_key: 'default/C', quantity: '4' }]);
    } finally {
      await check.close();
    }
  });
});
