/**
 * An in-memory `SyncStore` for unit tests of sync/: a page is applied all at once (rows, progress,
 * checkpoint), runs are recorded with their result, and rows are kept by (entity, natural key), a
 * newer version replacing an older one, so a test can assert exactly what landed.
 */
import type { PageWrite, StreamCheckpoint, SyncMode, SyncStore, WriteCounts } from '../sync/index.js';

export interface MemoryRun {
  readonly id: string;
  readonly connectionId: string;
  readonly stream: string;
  readonly mode: SyncMode;
  readonly jobId: string | undefined;
  result: 'running' | 'succeeded' | 'failed';
  error?: string;
  pages: number;
  records: number;
}

const keyOf = (...parts: string[]): string => parts.join('\u0000');

/**
 * @example
 * const store = new MemorySyncStore();
 * await runStream({ stream, connection, store, mode: 'incremental' });
 * expect([...store.rows('product').keys()]).toEqual(['SKU-01', 'SKU-02']);
 */
export class MemorySyncStore implements SyncStore {
  readonly runs: MemoryRun[] = [];
  /** Every page applied, in order. */
  readonly pages: PageWrite[] = [];
  readonly #checkpoints = new Map<string, StreamCheckpoint>();
  readonly #rows = new Map<string, Map<string, Readonly<Record<string, unknown>>>>();

  seedCheckpoint(connectionId: string, stream: string, checkpoint: StreamCheckpoint): void {
    this.#checkpoints.set(keyOf(connectionId, stream), checkpoint);
  }

  /** Records a finished successful run of a stream, as an earlier sync would have. */
  seedSucceededRun(connectionId: string, stream: string): void {
    this.runs.push({ id: `run-${this.runs.length + 1}`, connectionId, stream, mode: 'incremental', jobId: undefined, result: 'succeeded', pages: 0, records: 0 });
  }

  checkpoint(connectionId: string, stream: string): StreamCheckpoint | undefined {
    return this.#checkpoints.get(keyOf(connectionId, stream));
  }

  /** The rows of an entity, by natural key. */
  rows(entity: string): ReadonlyMap<string, Readonly<Record<string, unknown>>> {
    return this.#rows.get(entity) ?? new Map();
  }

  /** How many times a row was written, over every page applied. */
  writesOf(entity: string, naturalKey: string): number {
    return this.pages.flatMap((p) => p.rows).filter((r) => r.entity === entity && r.naturalKey === naturalKey).length;
  }

  async readCheckpoint(connectionId: string, stream: string): Promise<StreamCheckpoint | undefined> {
    return this.#checkpoints.get(keyOf(connectionId, stream));
  }

  async startRun(input: { connectionId: string; stream: string; mode: SyncMode; jobId?: string | undefined }): Promise<string> {
    const id = `run-${this.runs.length + 1}`;
    this.runs.push({ id, connectionId: input.connectionId, stream: input.stream, mode: input.mode, jobId: input.jobId, result: 'running', pages: 0, records: 0 });
    return id;
  }

  async applyPage(page: PageWrite): Promise<WriteCounts> {
    const run = this.#run(page.runId);
    if (run.result !== 'running') throw new Error(`page applied to ${run.result} run ${run.id}`);
    const counts = { inserted: 0, updated: 0, skippedOlder: 0 };
    for (const row of page.rows) {
      const table = this.#rows.get(row.entity) ?? new Map<string, Readonly<Record<string, unknown>>>();
      this.#rows.set(row.entity, table);
      const existing = table.get(row.naturalKey);
      if (existing !== undefined && isOlder(row.value['vendor_updated_at'], existing['vendor_updated_at'])) {
        counts.skippedOlder += 1;
        continue;
      }
      if (existing === undefined) counts.inserted += 1;
      else counts.updated += 1;
      table.set(row.naturalKey, row.value);
    }
    this.pages.push(page);
    run.pages += page.progress.pages;
    run.records += page.progress.records;
    this.#checkpoints.set(keyOf(page.connection.id, page.stream), page.checkpoint);
    return counts;
  }

  async finishRun(
    runId: string,
    outcome:
      | { readonly result: 'succeeded'; readonly checkpoint: StreamCheckpoint; readonly connectionId: string; readonly stream: string }
      | { readonly result: 'failed'; readonly error: string },
  ): Promise<void> {
    const run = this.#run(runId);
    if (run.result !== 'running') throw new Error(`run ${runId} finished twice`);
    if (outcome.result === 'failed') {
      run.result = 'failed';
      run.error = outcome.error;
      return;
    }
    run.result = 'succeeded';
    this.#checkpoints.set(keyOf(outcome.connectionId, outcome.stream), outcome.checkpoint);
  }

  async lookupVendorIds(): Promise<ReadonlyMap<string, string>> {
    return new Map();
  }

  async vendorIdsOf(): Promise<readonly string[]> {
    return [];
  }

  async succeededStreams(connectionId: string, streams: readonly string[]): Promise<ReadonlySet<string>> {
    return new Set(streams.filter((stream) => this.runs.some((r) => r.connectionId === connectionId && r.stream === stream && r.result === 'succeeded')));
  }

  #run(runId: string): MemoryRun {
    const run = this.runs.find((r) => r.id === runId);
    if (run === undefined) throw new Error(`no run ${runId}`);
    return run;
  }
}

function isOlder(incoming: unknown, stored: unknown): boolean {
  if (typeof incoming !== 'string' || typeof stored !== 'string') return false;
  return Date.parse(incoming) < Date.parse(stored);
}
