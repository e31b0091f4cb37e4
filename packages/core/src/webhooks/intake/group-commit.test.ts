import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './group-commit.js';

/** A writer that records each batch and answers after `delayMs`, failing rows the test names. */
function recorder(delayMs = 5, failWhen: (rows: number[]) => boolean = () => false) {
  const batches: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const write = async (rows: number[]): Promise<string[]> => {
    batches.push(rows);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, delayMs));
    inFlight--;
    if (failWhen(rows)) throw new Error(`batch ${rows.join(',')} failed`);
    return rows.map((r) => `id-${r}`);
  };
  return { write, batches, maxInFlight: () => maxInFlight };
}

describe('GroupCommitter', () => {
  it('gives each submitter its own row outcome', async () => {
    const w = recorder();
    const committer = new GroupCommitter(w.write);
    const outcomes = await Promise.all([1, 2, 3].map((n) => committer.submit(n)));
    expect(outcomes).toEqual(['id-1', 'id-2', 'id-3']);
  });

  it('sends concurrent rows in one statement rather than one each', async () => {
    const w = recorder();
    const committer = new GroupCommitter(w.write, { maxDelayMs: 1 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => committer.submit(i)));
    expect(w.batches).toHaveLength(1);
    expect(w.batches[0]).toHaveLength(100);
  });

  it('caps batch size and statements in flight; rows queued meanwhile go out together', async () => {
    const w = recorder(10);
    const committer = new GroupCommitter(w.write, { maxBatchRows: 10, maxInFlight: 2, maxDelayMs: 0 });
    const all = await Promise.all(Array.from({ length: 95 }, (_, i) => committer.submit(i)));
    expect(all).toHaveLength(95);
    expect(Math.max(...w.batches.map((b) => b.length))).toBeLessThanOrEqual(10);
    expect(w.maxInFlight()).toBeLessThanOrEqual(2);
    expect(w.batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 95 }, (_, i) => i));
  });

  it('retries the rows of a failed batch one by one, so one bad row fails alone', async () => {
    const w = recorder(1, (rows) => rows.includes(13));
    const committer = new GroupCommitter(w.write);
    const settled = await Promise.allSettled([11, 12, 13, 14].map((n) => committer.submit(n)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[0] as PromiseFulfilledResult<string>).value).toBe('id-11');
  });

  it('rejects rows the writer returned no outcome for instead of resolving them with nothing', async () => {
    const committer = new GroupCommitter(async (rows: number[]) => rows.slice(1).map(String), { maxDelayMs: 5 });
    const settled = await Promise.allSettled([1, 2].map((n) => committer.submit(n)));
    expect(settled[0]!.status).toBe('fulfilled');
    expect(settled[1]!.status).toBe('rejected');
    expect(((settled[1] as PromiseRejectedResult).reason as { code: string }).code).toBe('CONNECTD_ERR_INTERNAL');
  });

  it('keeps working after a failure', async () => {
    let fail = true;
    const committer = new GroupCommitter(async (rows: number[]) => {
      if (fail) throw new Error('down');
      return rows.map(String);
    });
    await expect(committer.submit(1)).rejects.toThrow('down');
    fail = false;
    await expect(committer.submit(2)).resolves.toBe('2');
    expect(committer.waiting).toBe(0);
  });
});
