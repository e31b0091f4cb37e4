import { describe, expect, it } from 'vitest';
import { createPageBatcher, mergePages } from './run-stream-batches.js';
import type { PageWrite, WriteCounts } from './types.js';

const connection = { id: 'c1', tenant: 't1', config: {} };

function page(n: number): PageWrite {
  return {
    connector: 'storq',
    connection,
    stream: 'items',
    runId: '1',
    rows: [{ entity: 'product', naturalKey: `SKU-${n}`, value: { sku: `SKU-${n}` } }],
    failures: n % 2 === 0 ? [{ record: { n }, code: 'CONNECTD_ERR_MAPPING_SCHEMA', reason: 'bad' }] : [],
    checkpoint: { resume: { method: 'GET', url: `https://vendor.test/items?page=${n + 1}`, headers: {} } },
    progress: { pages: 1, records: 2 },
  };
}

/** A store whose writes finish when the test says so: pages arrive while one is written. */
function slowStore(): { writes: PageWrite[]; finish(): void; apply(page: PageWrite): Promise<WriteCounts> } {
  const writes: PageWrite[] = [];
  let release: (() => void)[] = [];
  return {
    writes,
    finish() {
      const r = release;
      release = [];
      for (const done of r) done();
    },
    apply(write) {
      writes.push(write);
      return new Promise((resolve) => release.push(() => resolve({ inserted: write.rows.length, updated: 0, skippedOlder: 0 })));
    },
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('mergePages', () => {
  it('joins rows and failures in page order, adds up progress, and keeps the last checkpoint', () => {
    const merged = mergePages([page(1), page(2), page(3)]);
    expect(merged.rows.map((r) => r.naturalKey)).toEqual(['SKU-1', 'SKU-2', 'SKU-3']);
    expect(merged.failures).toHaveLength(1);
    expect(merged.progress).toEqual({ pages: 3, records: 6 });
    expect(merged.checkpoint.resume?.url).toBe('https://vendor.test/items?page=4');
  });
});

describe('createPageBatcher', () => {
  it('writes each page alone while the store keeps up, and the pages that queued behind a slow write together, in order', async () => {
    const store = slowStore();
    const applied: string[][] = [];
    const batcher = createPageBatcher({ apply: (p) => store.apply(p), applied: (pages) => applied.push(pages.map((p) => p.rows[0]!.naturalKey)) });
    await batcher.add(page(1));
    await batcher.add(page(2));
    await batcher.add(page(3));
    expect(store.writes).toHaveLength(1);
    store.finish();
    await tick();
    expect(store.writes.map((w) => w.rows.map((r) => r.naturalKey))).toEqual([['SKU-1'], ['SKU-2', 'SKU-3']]);
    expect(store.writes[1]!.checkpoint.resume?.url).toBe('https://vendor.test/items?page=4');
    const drained = batcher.drain();
    store.finish();
    await drained;
    expect(applied).toEqual([['SKU-1'], ['SKU-2', 'SKU-3']]);
  });

  it('holds the adder once a full batch is queued, until the writer takes it', async () => {
    const store = slowStore();
    const batcher = createPageBatcher({ apply: (p) => store.apply(p), applied: () => undefined, maxPages: 2 });
    await batcher.add(page(1));
    await batcher.add(page(2));
    let added = false;
    const third = batcher.add(page(3)).then(() => (added = true));
    await tick();
    expect(added).toBe(false);
    store.finish();
    await third;
    expect(store.writes.map((w) => w.progress.pages)).toEqual([1, 2]);
    store.finish();
    await batcher.drain();
  });

  it('writes nothing after a failed write, and rejects the next add and the drain with its error', async () => {
    const writes: PageWrite[] = [];
    const batcher = createPageBatcher({
      apply: async (p) => {
        writes.push(p);
        throw new Error('database gone');
      },
      applied: () => undefined,
    });
    await batcher.add(page(1));
    await tick();
    await expect(batcher.add(page(2))).rejects.toThrow('database gone');
    await expect(batcher.drain()).rejects.toThrow('database gone');
    expect(writes).toHaveLength(1);
  });
});
