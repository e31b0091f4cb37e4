import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_UNREACHABLE } from '../errors/index.js';
import { recordingLogger } from '../testing/sync-kit.js';
import { waitFor } from '../testing/wait-for.js';
import { createRetentionMetrics } from './metrics.js';
import { retentionPolicy } from './policy.js';
import { RetentionRunner } from './runner.js';
import { MemoryRetentionStore } from './testing.js';

const now = new Date('2025-07-01T00:00:00.000Z');
const daysAgo = (days: number): Date => new Date(now.getTime() - days * 86_400_000);
const runners: RetentionRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

function runner(store: MemoryRetentionStore, policy = retentionPolicy(), firstPassDelayMs = 60_000) {
  const recording = recordingLogger();
  const registry = new Registry();
  const retention = new RetentionRunner({
    store,
    policy,
    log: recording.log,
    metrics: createRetentionMetrics(registry),
    firstPassDelayMs,
    batchPauseMs: 0,
    now: () => now,
  });
  runners.push(retention);
  const lines = (msg: string) => recording.lines().filter((line) => line['msg'] === msg);
  return { retention, lines, metrics: () => registry.metrics() };
}

describe('the retention runner', () => {
  it('logs one line per pass with its counts per table, and adds them to connectd_retention_deleted_total', async () => {
    const store = new MemoryRetentionStore({ webhook_inbox: [daysAgo(8), daysAgo(9), daysAgo(1)], dead_letters: [daysAgo(40)] });
    const { retention, lines, metrics } = runner(store);
    const report = await retention.runOnce();
    expect(report?.outcome).toBe('completed');
    const done = lines('retention pass done');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ level: 30, outcome: 'completed', deleted: { webhook_inbox: 2, jobs: 0, dead_letters: 1, sync_runs: 0, oauth_states: 0 } });
    const text = await metrics();
    expect(text).toMatch(/^connectd_retention_deleted_total\{table="webhook_inbox"\} 2$/m);
    expect(text).toMatch(/^connectd_retention_deleted_total\{table="dead_letters"\} 1$/m);
    expect(text).toMatch(/^connectd_retention_deleted_total\{table="sync_runs"\} 0$/m);
    expect(text).toMatch(/^connectd_retention_passes_total\{outcome="completed"\} 1$/m);
  });

  it('never runs two passes at once in one process', async () => {
    const store = new MemoryRetentionStore({ jobs: [daysAgo(40)] });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    store.onPrune = () => gate;
    const { retention } = runner(store);
    const first = retention.runOnce();
    await waitFor('the first pass to prune', () => store.calls.length === 1, { intervalMs: 5 });
    expect(await retention.runOnce()).toBeUndefined();
    release();
    expect((await first)?.deleted.jobs).toBe(1);
  });

  it('counts a pass skipped while another daemon holds the lock, at debug level only', async () => {
    const store = new MemoryRetentionStore({ jobs: [daysAgo(40)] });
    store.lockHeldElsewhere = true;
    const { retention, lines, metrics } = runner(store);
    expect((await retention.runOnce())?.outcome).toBe('skipped');
    expect(lines('retention pass done')).toEqual([]);
    expect(await metrics()).toMatch(/^connectd_retention_passes_total\{outcome="skipped"\} 1$/m);
  });

  it('logs a failed pass as a warning, counts it and resolves, so the next pass runs', async () => {
    const store = new MemoryRetentionStore({ jobs: [daysAgo(40)] });
    store.onPrune = () => {
      throw STORE_UNREACHABLE({ target: 'test', reason: 'gone' });
    };
    const { retention, lines, metrics } = runner(store);
    expect(await retention.runOnce()).toBeUndefined();
    expect(lines('retention pass failed; the next pass starts over')[0]).toMatchObject({ level: 40, err: { code: 'CONNECTD_ERR_STORE_UNREACHABLE' } });
    expect(await metrics()).toMatch(/^connectd_retention_passes_total\{outcome="failed"\} 1$/m);
    store.onPrune = undefined;
    expect((await retention.runOnce())?.deleted.jobs).toBe(1);
  });

  it('runs the first pass after its delay and then every interval, until stopped', async () => {
    const store = new MemoryRetentionStore();
    const { retention } = runner(store, { ...retentionPolicy(), intervalMs: 20 }, 10);
    retention.start();
    await waitFor('three passes', () => store.calls.length >= 3 * 5, { intervalMs: 5 });
    await retention.stop();
    const seen = store.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(store.calls.length).toBe(seen);
  });

  it('stop() ends a running pass after its batch in flight and resolves once it has', async () => {
    const store = new MemoryRetentionStore({ webhook_inbox: Array.from({ length: 30 }, () => daysAgo(30)) });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    store.onPrune = () => gate;
    const { retention } = runner(store, { ...retentionPolicy(), batchSize: 10 });
    const pass = retention.runOnce();
    await waitFor('the first batch', () => store.calls.length === 1, { intervalMs: 5 });
    const stopped = retention.stop();
    release();
    await stopped;
    expect((await pass)?.outcome).toBe('stopped');
    expect(store.remaining().webhook_inbox).toBe(20);
    expect(await retention.runOnce()).toBeUndefined();
  });

  it('does nothing when server.retention.enabled is false', async () => {
    const store = new MemoryRetentionStore({ jobs: [daysAgo(40)] });
    const { retention, lines } = runner(store, retentionPolicy({ enabled: false }), 1);
    retention.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(store.calls).toEqual([]);
    expect(lines('retention is disabled (server.retention.enabled: false): nothing is pruned')).toHaveLength(1);
  });
});
