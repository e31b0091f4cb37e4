import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../project/index.js';
import type { ConnectionRecord, SyncRun } from '../store/index.js';
import type { StatusStore } from './ports.js';
import { buildStatus } from './report.js';

const YAML = `version: 1
connectors:
  pos:
    base_url: http://127.0.0.1:9
    auth: { type: bearer, token: "{token}" }
    connections:
      - { id: pos-main, tenant: main, config: { token: t0 } }
    streams:
      stock: { request: { path: /stock }, entity: inventory_level }
`;

const record = (id: string): ConnectionRecord => ({
  id,
  connector: 'pos',
  tenantId: id,
  status: 'active',
  statusReason: null,
  config: {},
  vendorAccountId: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

const run = (connectionId: string): SyncRun => ({
  runId: `run-${connectionId}`,
  connectionId,
  stream: 'stock',
  jobId: null,
  mode: 'incremental',
  startedAt: new Date('2026-01-01T00:00:00Z'),
  finishedAt: new Date('2026-01-01T00:00:05Z'),
  pages: 1,
  records: 3,
  result: 'succeeded',
  error: null,
});

/** The store as a daemon left it: the declared connection and one made through the admin API or consent. */
const store: StatusStore = {
  kind: 'pglite',
  isReady: async () => true,
  connections: async () => [record('pos-main'), record('pos-acme')],
  lastRuns: async (ids) => ids.map(run),
  deadLetterCounts: async () => [],
  checkpoint: async () => undefined,
};

describe('buildStatus without a running daemon', () => {
  it("shows the streams of every stored connection, not only the file's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connectd-status-'));
    writeFileSync(join(dir, 'connectors.yaml'), YAML);
    const project = await loadProject(join(dir, 'connectors.yaml'), {});
    const report = await buildStatus(project, store, '0.0.0');
    expect(report.streams.map((s) => [s.connection, s.stream, s.lastRun?.result])).toEqual([
      ['pos-main', 'stock', 'succeeded'],
      ['pos-acme', 'stock', 'succeeded'],
    ]);
    expect(report.connections).toEqual([]);
  });
});
