import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestDatabases, waitFor } from '@connectd/core/testing';
import { startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { STOCK_MAP, storqStockWebhooks } from './support/storq-webhooks.js';
import { freshTarget, withStore } from './support/sync-project.js';

// Issue 18, hot reload: 1,000 signed webhooks go to one `connectd run` while its connectors.yaml
// is edited twice, once with a valid mapping change (saved the way editors do: a new file renamed
// over the old one) and once with an error. Every webhook is answered 202 once, all are processed,
// the valid change applies from the moment the status shows its revision, the broken one is
// refused with its position logged, and the process never restarts.

const SECRET = 'whsec-reload-test-8d3f1a6c2e';
const ADMIN_TOKEN = 'adm1n-t0ken-for-reload-tests-5c7e';
const EVENTS = 1_000;
const CONCURRENCY = 8;
/** Accepted webhooks before the valid edit is saved, and before the broken one is. */
const VALID_EDIT_AFTER = 250;
const BROKEN_EDIT_AFTER = 600;
/** Senders hold back these indexes until the edit before them has its outcome, so both land mid-stream. */
const HOLD_FOR_VALID = 500;
const HOLD_FOR_BROKEN = 850;
const NEW_OFFSET = 100_000;

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const running: DaemonProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
});

function configText(map: string, extra = ''): string {
  return `version: 1\nconnectors:\n${storqStockWebhooks('storq', map)}${extra}`;
}

/** A second connector the valid edit adds: the intake must route to it from the next request on. */
const ADDED = storqStockWebhooks('storq_eu');
const NEW_MAP = `{ "product": data.object.sku, "quantity": data.object.quantity + ${NEW_OFFSET} }`;
const ORIGINAL = configText(STOCK_MAP);
const CHANGED = configText(NEW_MAP, ADDED);
const BROKEN = configText(NEW_MAP, `    webhookz: { path: /nowhere }\n${ADDED}`);

const revisionOf = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

interface ConfigStatus {
  readonly path: string;
  readonly revision: string;
  readonly loadedAt: string;
  readonly lastReload?: { readonly at: string; readonly outcome: string; readonly errors?: string[] };
}

async function configStatus(url: string): Promise<ConfigStatus> {
  const response = await fetch(`${url}/api/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return ((await response.json()) as { config: ConfigStatus }).config;
}

async function processedCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = /^connectd_webhooks_processed_total\{[^}]*outcome="processed"[^}]*\} (\d+)/m.exec(text);
  return line === null ? 0 : Number(line[1]);
}

describe('connectd run reloads connectors.yaml without a restart', () => {
  it('swaps in a valid edit and refuses a broken one while 1,000 webhooks arrive, each answered 202 once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connectd-reload-'));
    const config = join(dir, 'connectors.yaml');
    writeFileSync(config, ORIGINAL);
    const target = await freshTarget('pglite', dbs);
    const env = { ...target.env, STORQ_WEBHOOK_SECRET: SECRET, CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN, CONNECTD_WORKER_POLL_MS: '200' };
    const daemon = await startDaemonProcess({ env, config });
    running.push(daemon);
    const pid = daemon.child.pid;

    // SIGHUP with the text as loaded: nothing is rebuilt, and the process does not end.
    daemon.child.kill('SIGHUP');
    await waitFor('the SIGHUP reload', async () => (await configStatus(daemon.url)).lastReload?.outcome === 'unchanged', { timeoutMs: 10_000, intervalMs: 50 });
    expect((await configStatus(daemon.url)).revision).toBe(revisionOf(ORIGINAL));

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let accepted = 0;
    let next = 0;
    let boundary = EVENTS; // the first index sent once the valid edit was seen applied
    let validApplied: Promise<void> | undefined;
    let brokenRefused: Promise<void> | undefined;

    const saveValid = async (): Promise<void> => {
      // As an editor saves: a new file renamed over the old one.
      writeFileSync(`${config}.tmp`, CHANGED);
      renameSync(`${config}.tmp`, config);
      await waitFor('the valid edit to apply', async () => (await configStatus(daemon.url)).revision === revisionOf(CHANGED), { timeoutMs: 20_000, intervalMs: 25 });
      boundary = next;
    };
    const saveBroken = async (): Promise<void> => {
      writeFileSync(config, BROKEN);
      await waitFor('the broken edit to be refused', async () => (await configStatus(daemon.url)).lastReload?.outcome === 'refused', { timeoutMs: 20_000, intervalMs: 25 });
    };

    const post = async (i: number, connector = 'storq'): Promise<number> => {
      const body = JSON.stringify({ id: `evt_${i}`, type: 'stock.updated', data: { object: { sku: `SKU-${i}`, quantity: i } } });
      const response = await fetch(`${daemon.url}/webhooks/${connector}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'storq-signature': createHmac('sha256', SECRET).update(body).digest('hex') },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
      return response.status;
    };

    expect(await post(0, 'storq_eu')).toBe(404); // not configured yet

    const sender = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= EVENTS) return;
        if (i >= HOLD_FOR_VALID) await validApplied;
        if (i >= HOLD_FOR_BROKEN) await brokenRefused;
        try {
          const status = await post(i);
          statuses.set(i, status);
          if (status === 202) accepted += 1;
          if (accepted === VALID_EDIT_AFTER && validApplied === undefined) validApplied = saveValid();
          if (accepted === BROKEN_EDIT_AFTER && brokenRefused === undefined) brokenRefused = (validApplied ?? Promise.resolve()).then(saveBroken);
        } catch (err) {
          failures.push(`event ${i}: ${String(err)}`); // a reset or a timeout: never sent again
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, () => sender()));
    await validApplied;
    await brokenRefused;

    // Every webhook was answered once, and with 202.
    expect(failures).toEqual([]);
    expect(statuses.size).toBe(EVENTS);
    expect([...statuses.values()].filter((s) => s !== 202)).toEqual([]);
    expect(boundary).toBeLessThanOrEqual(HOLD_FOR_VALID + CONCURRENCY);

    // The running config is the valid edit; the broken one was refused with its position.
    const status = await configStatus(daemon.url);
    expect(status).toMatchObject({ path: config, revision: revisionOf(CHANGED), lastReload: { outcome: 'refused' } });
    const brokenLine = BROKEN.split('\n').findIndex((line) => line.includes('webhookz')) + 1;
    const position = `${config}:${brokenLine}:5`;
    expect(status.lastReload?.errors?.some((e) => e.startsWith(position) && e.includes('connectors.storq.webhookz'))).toBe(true);
    expect(daemon.output()).toContain(position);
    expect(daemon.output()).toContain('CONNECTD_ERR_DAEMON_RELOAD_REFUSED');

    expect(await post(0, 'storq_eu')).toBe(202); // the connector the valid edit added

    await waitFor('every event to be processed', async () => (await processedCount(daemon.url)) >= EVENTS, { timeoutMs: 30_000, intervalMs: 100 });
    // Same process all along: one start line, never an exit.
    expect(daemon.child.pid).toBe(pid);
    expect(daemon.child.exitCode).toBeNull();
    expect(daemon.output().match(/"msg":"connectd is running"/g)).toHaveLength(1);
    expect(await daemon.stop('SIGTERM')).toBe(0);

    const state = await withStore(target, async (db) => ({
      inbox: (await db.query<{ dedupe_key: string; status: string }>(`select dedupe_key, status from connectd_engine.webhook_inbox where connector = 'storq'`)).rows,
      levels: (await db.query<{ natural_key: string; quantity: string }>(`select natural_key, quantity::text as quantity from connectd.inventory_levels`)).rows,
    }));
    expect(new Set(state.inbox.map((r) => r.dedupe_key)).size).toBe(EVENTS);
    expect(state.inbox.filter((r) => r.status !== 'processed')).toEqual([]);
    const quantity = new Map(state.levels.map((l) => [l.natural_key, Number(l.quantity)]));
    let old = 0;
    for (let i = 0; i < EVENTS; i++) {
      const value = quantity.get(`default/SKU-${i}`);
      // Sent after the new revision showed: the new mapping; before: either, by when it was processed.
      if (i >= boundary) expect(value, `event ${i}`).toBe(i + NEW_OFFSET);
      else expect([i, i + NEW_OFFSET], `event ${i}`).toContain(value);
      if (value === i) old += 1;
    }
    expect(old).toBeGreaterThan(0);
  }, 60_000);
});
