import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startFakeSquare, type FakeSquare, type FakeSquareMerchant } from '@connectd/connector-square/testing';
import { startFakeStorq, type FakeStorq } from '@connectd/connector-storq/testing';
import { createTestDatabases, oneStoreBackend, waitFor } from '@connectd/core/testing';
import { repoRoot, runCli, startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { freshTarget, withStore, type SyncTarget } from './support/sync-project.js';

// Issue 15, flows: the example config's flow (examples/stock-flow) through `connectd run` as a
// child process: a signed storq stock.updated sets the Square count of the same SKU for the same
// tenant once, however often storq delivers it, and a count Square refuses (4xx) ends as a dead
// letter of the flow with Square's error, sent once.

const ADMIN_TOKEN = 'adm1n-flows-e2e-5d2b';
const NOTIFICATION_URL = 'https://connectd.example.com/webhooks/square';
const SECRET_KEY = randomBytes(32).toString('base64');
const config = join(repoRoot, 'examples/stock-flow/connectors.yaml');
const BATCH_CHANGE = 'POST /v2/inventory/changes/batch-create';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const running: DaemonProcess[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await Promise.all(closers.splice(0).map((close) => close()));
});

interface Fakes {
  readonly storq: FakeStorq;
  readonly square: FakeSquare;
  readonly merchant: FakeSquareMerchant;
}

async function fakes(): Promise<Fakes> {
  const storq = await startFakeStorq({ seed: 15 });
  closers.push(() => storq.close());
  const square = await startFakeSquare({ seed: 15 });
  closers.push(() => square.close());
  const merchant = square.merchant();
  // Its main location only: the flow's input takes the merchant's one location.
  merchant.seed({ locations: 0, items: 3 });
  return { storq, square, merchant };
}

function envOf({ storq, square }: Fakes, target: SyncTarget): Record<string, string> {
  return {
    ...target.env,
    STORQ_API_KEY: storq.liveKey,
    STORQ_WEBHOOK_SECRET: storq.webhookSecret,
    STORQ_BASE_URL: storq.baseUrl,
    SQUARE_APPLICATION_ID: square.applicationId,
    SQUARE_APPLICATION_SECRET: square.applicationSecret,
    SQUARE_WEBHOOK_SIGNATURE_KEY: square.signatureKey,
    SQUARE_WEBHOOK_URL: NOTIFICATION_URL,
    SQUARE_BASE_URL: square.url,
    CONNECTD_SECRET_KEY: SECRET_KEY,
    CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN,
    CONNECTD_WORKER_POLL_MS: '100',
  };
}

async function daemonWith(env: Record<string, string>): Promise<DaemonProcess> {
  const daemon = await startDaemonProcess({ env, config, timeoutMs: 60_000 });
  running.push(daemon);
  return daemon;
}

/** The merchant consents through the link `connectd connect` prints, for storq's tenant (`default`). */
async function connectSquare(daemon: DaemonProcess, square: FakeSquare, env: Record<string, string>): Promise<void> {
  const printed = await runCli(['connect', 'square', '--tenant', 'default', '--config', config], { ...env, CONNECTD_PUBLIC_URL: daemon.url });
  expect(printed.code, printed.stderr).toBe(0);
  const start = await fetch(printed.stdout.trim().split('\n').pop()!, { redirect: 'manual' });
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.searchParams.get('scope')).toContain('INVENTORY_WRITE');
  const back = new URL(await square.visitAuthorizeUrl(authorize.toString()));
  expect((await fetch(`${daemon.url}${back.pathname}${back.search}`)).status).toBe(200);
}

async function processedWebhooks(daemon: DaemonProcess): Promise<number> {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  return [...text.matchAll(/^connectd_webhooks_processed_total\{[^}]*outcome="processed"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

type Row = Record<string, unknown>;
const query = (target: SyncTarget, sql: string): Promise<Row[]> => withStore(target, async (db) => (await db.query<Row>(sql)).rows);

/** Two live variations with a SKU: the one whose count the flow sets, and one Square will refuse. */
function variationsOf(merchant: FakeSquareMerchant): [{ id: string; sku: string }, { id: string; sku: string }] {
  const live = merchant.variations().filter((v) => v.item_variation_data.sku !== '' && v.is_deleted !== true);
  const [a, b] = live.map((v) => ({ id: v.id, sku: v.item_variation_data.sku! }));
  if (a === undefined || b === undefined) throw new Error('the seeded merchant has fewer than two variations with a SKU');
  return [a, b];
}

// One engine (see oneStoreBackend): nothing here depends on which store the daemon runs on.
describe.each(oneStoreBackend())('flows through connectd run on %s', (backend) => {
  it('sets the Square count of a storq stock change once, however often storq delivers it, and dead-letters a count Square refuses', async () => {
    const both = await fakes();
    const { storq, square, merchant } = both;
    const target = await freshTarget(backend, dbs);
    const env = envOf(both, target);
    const [kept, gone] = variationsOf(merchant);
    const location = merchant.locations()[0]!.id;

    // Square connected for storq's tenant, and its catalog synced (the flow reads its ids).
    let daemon = await daemonWith(env);
    await connectSquare(daemon, square, env);
    expect(await daemon.stop('SIGTERM')).toBe(0);
    const sync = await runCli(['sync', 'square', '--config', config], env);
    expect(sync.code, sync.stderr + sync.stdout).toBe(0);

    daemon = await daemonWith(env);
    const webhooks = `${daemon.url}/webhooks/storq`;
    const event = storq.updateStock(kept.sku, 17);
    // storq delivers the event twice (the second answered as a duplicate: no second change), then
    // sends the same quantity again in a new event: a change of its time only, which the flow's
    // filter (the quantity changed) passes over.
    expect((await storq.deliver(webhooks, event)).status).toBe(202);
    expect((await storq.deliver(webhooks, event)).status).toBe(200);
    expect((await storq.deliver(webhooks, storq.updateStock(kept.sku, 17))).status).toBe(202);
    await waitFor('the Square count to be set', () => merchant.counts().some((c) => c.catalog_object_id === kept.id && c.location_id === location && c.quantity === '17'), { timeoutMs: 30_000 });

    // A variation deleted at Square after the sync: Square refuses its count with a 400.
    merchant.deleteVariation(gone.id);
    expect((await storq.deliver(webhooks, storq.updateStock(gone.sku, 5))).status).toBe(202);
    const refusedCalls = () => square.requests.filter((r) => r.route === BATCH_CHANGE && JSON.stringify(r.body).includes(gone.id));
    await waitFor('Square to refuse the deleted variation', () => refusedCalls().some((r) => r.status === 400), { timeoutMs: 30_000 });
    await waitFor('the three storq events to be processed', async () => (await processedWebhooks(daemon)) >= 3, { timeoutMs: 30_000 });
    expect(await daemon.stop('SIGTERM')).toBe(0);

    // What the store holds now, read through one open (a PGlite open costs seconds).
    const [all, jobs, letters, cursor] = await withStore(target, async (db) => {
      const rows = async (sql: string): Promise<Row[]> => (await db.query<Row>(sql)).rows;
      return [
        await rows(`select position::int as position, natural_key, changed from connectd.changes where connector = 'storq' order by position`),
        await rows(
          `select j.status, j.attempts, j.payload ->> 'position' as position, r.flow from connectd_engine.jobs j
           join connectd_engine.flow_runs r on r.job_id = j.id where j.kind = 'flow' order by j.id`,
        ),
        await rows(`select connector, error_code, reason, payload -> 'payload' ->> 'flow' as flow from connectd_engine.dead_letters where payload ->> 'kind' = 'flow'`),
        await rows(`select position::int as position from connectd_engine.change_cursors where consumer = 'flows'`),
      ] as const;
    });
    // Two changes of the kept SKU (created; then its time only), one flow job for it, one call to Square.
    expect(all.map((c) => c['natural_key'])).toEqual([`default/${kept.sku}`, `default/${kept.sku}`, `default/${gone.sku}`]);
    expect(all[1]!['changed']).not.toContain('quantity');
    const changes = [all[0]!, all[2]!];
    expect(jobs).toEqual([
      { status: 'succeeded', attempts: 1, position: String(changes[0]!['position']), flow: 'storq_stock_to_square' },
      { status: 'dead', attempts: 1, position: String(changes[1]!['position']), flow: 'storq_stock_to_square' },
    ]);
    const setCalls = square.requests.filter((r) => r.route === BATCH_CHANGE && JSON.stringify(r.body).includes(kept.id));
    expect(setCalls.map((r) => r.status)).toEqual([200]);
    expect(setCalls[0]!.body).toMatchObject({ idempotency_key: `storq_stock_to_square:${String(changes[0]!['position'])}` });

    // The refusal was sent once and is the flow's dead letter, with Square's own error.
    expect(refusedCalls()).toHaveLength(1);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ connector: 'square', error_code: 'CONNECTD_ERR_FLOWS_ACTION_REFUSED', flow: 'storq_stock_to_square' });
    expect(letters[0]!['reason']).toContain('INVALID_VALUE');
    expect(letters[0]!['reason']).toContain(gone.id);
    // The flows' cursor passed every change: nothing is left to act on.
    expect(cursor[0]!['position']).toBeGreaterThanOrEqual(Number(changes[1]!['position']));

    // `connectd replay` runs the flow's letter again: Square is asked once more and refuses again,
    // a new letter (a graceful stop lets the running job record it).
    const replay = await runCli(['replay', '--connector', 'square', '--config', config], env);
    expect(replay.code, replay.stderr + replay.stdout).toBe(0);
    daemon = await daemonWith(env);
    await waitFor('the replayed flow job to ask Square again', () => refusedCalls().length === 2, { timeoutMs: 30_000 });
    expect(await daemon.stop('SIGTERM')).toBe(0);
    const reopened = await query(target, `select error_code, replayed_at is not null as replayed from connectd_engine.dead_letters where payload ->> 'kind' = 'flow' order by id`);
    expect(reopened).toEqual([
      { error_code: 'CONNECTD_ERR_FLOWS_ACTION_REFUSED', replayed: true },
      { error_code: 'CONNECTD_ERR_FLOWS_ACTION_REFUSED', replayed: false },
    ]);
  }, 240_000);
});
