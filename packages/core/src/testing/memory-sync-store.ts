/**
 * An in-memory `SyncStore` for unit tests of sync/: a page is applied all at once (rows, progress,
 * checkpoint) or not at all, runs are recorded with their result, and rows are kept by (entity,
 * natural key), a newer version replacing an older one, so a test can assert exactly what landed.
 * `failApplyOn(n, error)` makes the next run that reaches its n-th page reject that page and every
 * later page of that run, as a crashed or failing database would.
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

/** One `lookupVendorIds` call, as the store received it. */
export interface MemoryLookupCall {
  readonly tenant: string;
  readonly connector: string;
  readonly kind: string;
  readonly vendorIds: readonly string[];
}

const keyOf = (...parts: string[]): string => parts.join('\u0000');

/**
 * @example
 * const store = new MemorySyncStore({ 'store:L1': 'store-1' }); // the vendor-id map, `${kind}:${vendorId}` → natural key
 * await runStream({ stream, connection, store, mode: 'incremental' });
 * expect([...store.rows('product').keys()]).toEqual(['SKU-01', 'SKU-02']);
 */
export class MemorySyncStore implements SyncStore {
  readonly runs: MemoryRun[] = [];
  /** Every page applied, in order. */
  readonly pages: PageWrite[] = [];
  readonly lookupCalls: MemoryLookupCall[] = [];
  readonly #checkpoints = new Map<string, StreamCheckpoint>();
  readonly #rows = new Map<string, Map<string, Readonly<Record<string, unknown>>>>();
  readonly #vendorIds: Map<string, string>;
  /** Pages each run tried to apply, refused ones included. */
  readonly #attempts = new Map<string, number>();
  readonly #refused = new Map<string, Error>();
  #failure: { readonly page: number; readonly error: Error } | undefined;

  constructor(vendorIds: Readonly<Record<string, string>> = {}) {
    this.#vendorIds = new Map(Object.entries(vendorIds));
  }

  /** A vendor id written since (a location a later locations sync brought). */
  knowVendorId(kind: string, vendorId: string, naturalKey: string): void {
    this.#vendorIds.set(`${kind}:${vendorId}`, naturalKey);
  }

  failApplyOn(page: number, error: Error): void {
    this.#failure = { page, error };
  }

  seedCheckpoint(connectionId: string, stream: string, checkpoint: StreamCheckpoint): void {
    this.#checkpoints.set(keyOf(connectionId, stream), checkpoint);
  }

  /** A row written before the test, as an earlier run would have. */
  seedEntity(entity: string, naturalKey: string, value: Readonly<Record<string, unknown>>): void {
    this.#table(entity).set(naturalKey, value);
  }

  /** Records a finished successful run of a stream, as an earlier sync would have. */
  seedSucceededRun(connectionId: string, stream: string): void {
    this.runs.push({ id: `run-${this.runs.length + 1}`, connectionId, stream, mode: 'incremental', jobId: undefined, result: 'succeeded', pages: 0, records: 0 });
  }

  checkpoint(connectionId: string, stream: string): StreamCheckpoint | undefined {
    return this.#checkpoints.get(keyOf(connectionId, stream));
  }

  run(runId: string): MemoryRun {
    const run = this.runs.find((r) => r.id === runId);
    if (run === undefined) throw new Error(`no run ${runId}`);
    return run;
  }

  pagesOf(runId: string): PageWrite[] {
    return this.pages.filter((p) => p.runId === runId);
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
    const run = this.run(page.runId);
    if (run.result !== 'running') throw new Error(`page applied to ${run.result} run ${run.id}`);
    this.#refuseIfFailing(page.runId);
    // Work out the whole write first, then commit it in one go: all or nothing.
    const counts = { inserted: 0, updated: 0, skippedOlder: 0 };
    const writes: Array<readonly [string, string, Readonly<Record<string, unknown>>]> = [];
    for (const row of page.rows) {
      const existing = this.rows(row.entity).get(row.naturalKey);
      if (existing !== undefined && isOlder(row.value['vendor_updated_at'], existing['vendor_updated_at'])) {
        counts.skippedOlder += 1;
        continue;
      }
      if (existing === undefined) counts.inserted += 1;
      else counts.updated += 1;
      writes.push([row.entity, row.naturalKey, row.value]);
    }
    for (const [entity, naturalKey, value] of writes) this.#table(entity).set(naturalKey, value);
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
    const run = this.run(runId);
    if (run.result !== 'running') throw new Error(`run ${runId} finished twice`);
    if (outcome.result === 'failed') {
      run.result = 'failed';
      run.error = outcome.error;
      return;
    }
    if (outcome.connectionId !== run.connectionId || outcome.stream !== run.stream) throw new Error(`run ${runId} finished for another stream`);
    run.result = 'succeeded';
    this.#checkpoints.set(keyOf(outcome.connectionId, outcome.stream), outcome.checkpoint);
  }

  async succeededStreams(connectionId: string, streams: readonly string[]): Promise<ReadonlySet<string>> {
    return new Set(streams.filter((stream) => this.runs.some((r) => r.connectionId === connectionId && r.stream === stream && r.result === 'succeeded')));
  }

  async vendorIdsOf(_tenant: string, _connector: string, kind: string): Promise<readonly string[]> {
    return [...this.#vendorIds.keys()].filter((key) => key.startsWith(`${kind}:`)).map((key) => key.slice(kind.length + 1)).sort();
  }

  async lookupVendorIds(tenant: string, connector: string, kind: string, vendorIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    this.lookupCalls.push({ tenant, connector, kind, vendorIds: [...vendorIds] });
    const found = new Map<string, string>();
    for (const id of vendorIds) {
      const key = this.#vendorIds.get(`${kind}:${id}`);
      if (key !== undefined) found.set(id, key);
    }
    return found;
  }

  #refuseIfFailing(runId: string): void {
    const attempt = (this.#attempts.get(runId) ?? 0) + 1;
    this.#attempts.set(runId, attempt);
    const refused = this.#refused.get(runId);
    if (refused !== undefined) throw refused;
    if (this.#failure !== undefined && attempt >= this.#failure.page) {
      const { error } = this.#failure;
      this.#failure = undefined;
      this.#refused.set(runId, error);
      throw error;
    }
  }

  #table(entity: string): Map<string, Readonly<Record<string, unknown>>> {
    let table = this.#rows.get(entity);
    if (table === undefined) this.#rows.set(entity, (table = new Map()));
    return table;
  }
}

function isOlder(incoming: unknown, stored: unknown): boolean {
  if (typeof incoming !== 'string' || typeof stored !== 'string') return false;
  return Date.parse(incoming) < Date.parse(stored);
}
