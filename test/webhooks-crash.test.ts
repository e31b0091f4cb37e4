import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestDatabases, storeBackends, waitFor } from '@connectd/core/testing';
import { startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { storqStockWebhooks } from './support/storq-webhooks.js';
import { freshTarget, withStore } from './support/sync-project.js';

// Issue 5 acceptance: 2,000 signed, distinct webhooks are sent to a `connectd run` child that is
// SIGKILLed once midway and started again on the same store. The sender retries what got no answer.
// Every event that got a 2xx is in the inbox once and applied once; the rest at most once.

const SECRET = 'whsec-crash-test-5b1e0c7d9a';
const EVENTS = 2_000;
const CONCURRENCY = 16;
/** Accepted events before the kill: far enough in that the inbox and processing are both busy. */
const KILL_AFTER_ACCEPTED = 700;
const LEASE_MS = 2_000;

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const running: DaemonProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
});

function writeConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'connectd-webhooks-crash-'));
  const path = join(dir, 'connectors.yaml');
  writeFileSync(path, `version: 1\nconnectors:\n${storqStockWebhooks()}`);
  return path;
}

/** The processed counter of one daemon, from its /metrics. */
async function processedCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = /^connectd_webhooks_processed_total\{[^}]*outcome="processed"[^}]*\} (\d+)/m.exec(text);
  return line === null ? 0 : Number(line[1]);
}

describe.each(storeBackends())('webhook intake and processing survive a SIGKILL on %s', (backend) => {
  it('applies every acknowledged event exactly once, and every unanswered one at most once after the retry', async () => {
    const config = writeConfig();
    const target = await freshTarget(backend, dbs);
    const env = { ...target.env, STORQ_WEBHOOK_SECRET: SECRET, CONNECTD_JOB_LEASE_MS: String(LEASE_MS), CONNECTD_WORKER_POLL_MS: '200' };
    let daemon = await startDaemonProcess({ env, config, timeoutMs: 60_000 });
    running.push(daemon);

    const bodies = Array.from({ length: EVENTS }, (_, i) =>
      JSON.stringify({ id: `evt_${i}`, type: 'stock.updated', data: { object: { sku: `SKU-${i}`, quantity: i } } }),
    );
    const acked = new Set<number>(); // 2xx on the first try
    const unanswered = new Set<number>(); // no answer at least once
    const ackedAfterRetry = new Set<number>();
    const statuses = new Map<number, number>();
    let accepted = 0;
    let restart: Promise<void> | undefined;

    const killAndRestart = async (): Promise<void> => {
      await daemon.stop('SIGKILL');
      daemon = await startDaemonProcess({ env, config, timeoutMs: 60_000 });
      running.push(daemon);
    };

    const post = async (i: number): Promise<number> => {
      const body = bodies[i]!;
      const signature = createHmac('sha256', SECRET).update(body).digest('hex');
      const res = await fetch(`${daemon.url}/webhooks/storq`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'storq-signature': signature },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      return res.status;
    };

    let next = 0;
    const sender = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= EVENTS) return;
        // Senders keep sending while the daemon is killed, so the kill always lands on requests in
        // flight or on a closed port; only a failed send waits for the restart.
        for (let attempt = 1; ; attempt++) {
          try {
            const status = await post(i);
            statuses.set(i, status);
            if (status >= 200 && status < 300) {
              (attempt === 1 ? acked : ackedAfterRetry).add(i);
              accepted += 1;
              if (accepted === KILL_AFTER_ACCEPTED) restart = killAndRestart();
            }
            break;
          } catch {
            // Connection refused or reset: the daemon is down. Wait for it, then send again.
            unanswered.add(i);
            if (attempt > 20) throw new Error(`event ${i} got no answer ${attempt} times`);
            await (restart ?? new Promise((resolve) => setTimeout(resolve, 100)));
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, () => sender()));
    await restart;

    // Every request got an answer in the end, and every answer was an acceptance.
    expect([...statuses.values()].filter((s) => s < 200 || s >= 300)).toEqual([]);
    expect(acked.size + ackedAfterRetry.size).toBe(EVENTS);
    expect(unanswered.size).toBeGreaterThan(0); // the kill landed while requests were in flight

    // Let the second daemon finish: abandoned claims come back after the lease, then its counter settles.
    let last = -1;
    await waitFor(
      'processing to settle',
      async () => {
        const count = await processedCount(daemon.url);
        const settled = count === last && count > 0;
        last = count;
        return settled;
      },
      { timeoutMs: 60_000, intervalMs: LEASE_MS + 500 },
    );
    expect(await daemon.stop('SIGTERM')).toBe(0);

    const state = await withStore(target, async (db) => ({
      inbox: (await db.query<{ dedupe_key: string; status: string }>(`select dedupe_key, status from connectd_engine.webhook_inbox where connector = 'storq'`)).rows,
      levels: (await db.query<{ natural_key: string; quantity: string }>(`select natural_key, quantity::text as quantity from connectd.inventory_levels`)).rows,
      deadLetters: (await db.query<{ error_code: string }>(`select error_code from connectd_engine.dead_letters`)).rows,
    }));
    const keys = state.inbox.map((r) => r.dedupe_key);
    expect(new Set(keys).size).toBe(keys.length); // each dedupe key once
    const inboxByKey = new Map(state.inbox.map((r) => [r.dedupe_key, r.status]));
    const levelByKey = new Map(state.levels.map((l) => [l.natural_key, l.quantity]));
    for (const i of acked) {
      expect(inboxByKey.get(`evt_${i}`), `event ${i}`).toBe('processed');
      expect(levelByKey.get(`default/SKU-${i}`), `event ${i}`).toBe(String(i));
    }
    for (const i of ackedAfterRetry) {
      expect(inboxByKey.get(`evt_${i}`), `retried event ${i}`).toBe('processed');
      expect(levelByKey.get(`default/SKU-${i}`), `retried event ${i}`).toBe(String(i));
    }
    expect(state.inbox).toHaveLength(EVENTS);
    expect(state.levels).toHaveLength(EVENTS);
    expect(state.deadLetters).toEqual([]);
  }, 150_000);
});
