import { INTERNAL } from '../errors/index.js';

/** A vendor record as a fake serves it: any JSON object with an id and an updated-at field. */
export type FakeRecord = Record<string, unknown>;

/** Where a keyset page starts: after this (updated-at, id) pair. */
export interface RecordKey {
  readonly updatedAtMs: number;
  readonly id: string | number;
}

/** One slice of the collection in (updated_at, id) order. */
export interface RecordSlice {
  readonly records: FakeRecord[];
  /** Key of the last record of the slice (the next page's cursor), undefined when the slice is empty. */
  readonly last: RecordKey | undefined;
  /** True when records follow the slice. */
  readonly more: boolean;
}

export interface RecordCollectionOptions {
  readonly idField: string;
  readonly updatedAtField: string;
  /** The vendor's clock in epoch ms, for records inserted without an updated-at and for updates. */
  readonly now: () => number;
}

interface Entry {
  readonly updatedAtMs: number;
  readonly id: string | number;
  readonly record: FakeRecord;
}

function compareIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function compareKeys(a: RecordKey, b: RecordKey): number {
  return a.updatedAtMs - b.updatedAtMs || compareIds(a.id, b.id);
}

/**
 * The records of a fake vendor, kept in (updated_at, id) order so pages are keyset slices: an
 * `updated_since` filter is a suffix of that order and a cursor is the last key served, both found
 * by binary search. Keyset cursors stay stable while records change between pages (a record
 * updated mid-walk moves to the end and is served again, as real vendors do), and a
 * 100,000-record collection answers a page without re-sorting.
 */
export class RecordCollection {
  readonly #idField: string;
  readonly #updatedAtField: string;
  readonly #now: () => number;
  readonly #byId = new Map<string, Entry>();
  /** Rebuilt lazily after a change; requests between changes share it. */
  #sorted: Entry[] | undefined;

  constructor(options: RecordCollectionOptions) {
    this.#idField = options.idField;
    this.#updatedAtField = options.updatedAtField;
    this.#now = options.now;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** Adds or replaces records as given; one without an updated-at is stamped with the vendor clock. */
  insert(records: readonly FakeRecord[]): FakeRecord[] {
    return records.map((record) => {
      const stamped = record[this.#updatedAtField] === undefined ? { ...record, [this.#updatedAtField]: this.#stamp() } : { ...record };
      this.#put(stamped);
      return structuredClone(stamped);
    });
  }

  /**
   * Merges `changes` into a record. Its updated-at moves past every record's (so the next
   * incremental read sees it), unless `changes` sets one itself (e.g. an older version).
   */
  update(id: string | number, changes: FakeRecord): FakeRecord {
    const entry = this.#entry(id);
    const stamp = changes[this.#updatedAtField] === undefined ? { [this.#updatedAtField]: this.#stamp() } : {};
    const next = { ...entry.record, ...changes, ...stamp, [this.#idField]: entry.id };
    this.#put(next);
    return structuredClone(next);
  }

  remove(id: string | number): void {
    this.#entry(id);
    this.#byId.delete(String(id));
    this.#sorted = undefined;
  }

  get(id: string | number): FakeRecord | undefined {
    const entry = this.#byId.get(String(id));
    return entry === undefined ? undefined : structuredClone(entry.record);
  }

  /** Copies of every record, in insertion order. */
  all(): FakeRecord[] {
    return [...this.#byId.values()].map((entry) => structuredClone(entry.record));
  }

  /** The id of a record as a string (the form request logs use). */
  idOf(record: FakeRecord): string {
    return String(record[this.#idField]);
  }

  /**
   * Up to `limit` records in (updated_at, id) order with updated_at >= `sinceMs`, after the key
   * `after`, skipping `offset` (page-number paging).
   */
  slice(query: { readonly sinceMs?: number; readonly after?: RecordKey; readonly offset?: number; readonly limit: number }): RecordSlice {
    const sorted = this.#order();
    let start = query.sinceMs === undefined ? 0 : this.#firstIndex((e) => e.updatedAtMs >= query.sinceMs!);
    if (query.after !== undefined) start = Math.max(start, this.#firstIndex((e) => compareKeys(e, query.after!) > 0));
    start += query.offset ?? 0;
    const end = Math.min(sorted.length, start + query.limit);
    const entries = start >= sorted.length ? [] : sorted.slice(start, end);
    const lastEntry = entries[entries.length - 1];
    return {
      // Structured copies: a test mutating what it fetched never changes the fake's state.
      records: entries.map((e) => structuredClone(e.record)),
      last: lastEntry === undefined ? undefined : { updatedAtMs: lastEntry.updatedAtMs, id: lastEntry.id },
      more: end < sorted.length,
    };
  }

  #entry(id: string | number): Entry {
    const entry = this.#byId.get(String(id));
    if (entry === undefined) throw INTERNAL({ message: `the fake vendor has no record with ${this.#idField} ${String(id)}` });
    return entry;
  }

  #put(record: FakeRecord): void {
    const id = record[this.#idField];
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw INTERNAL({ message: `a fake vendor record needs a string or number "${this.#idField}"` });
    }
    const raw = record[this.#updatedAtField];
    const updatedAtMs = typeof raw === 'string' || typeof raw === 'number' ? new Date(raw).getTime() : Number.NaN;
    if (Number.isNaN(updatedAtMs)) {
      throw INTERNAL({ message: `fake vendor record ${String(id)} has no valid "${this.#updatedAtField}"` });
    }
    this.#byId.set(String(id), { updatedAtMs, id, record });
    this.#sorted = undefined;
  }

  /** The vendor clock, but always after the newest record, so an update sorts last. */
  #stamp(): string {
    const sorted = this.#order();
    const newest = sorted[sorted.length - 1]?.updatedAtMs ?? Number.NEGATIVE_INFINITY;
    return new Date(Math.max(this.#now(), newest + 1)).toISOString();
  }

  #order(): Entry[] {
    this.#sorted ??= [...this.#byId.values()].sort(compareKeys);
    return this.#sorted;
  }

  /** Index of the first entry of the sorted order for which `test` holds (it must be monotonic). */
  #firstIndex(test: (entry: Entry) => boolean): number {
    const sorted = this.#order();
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (test(sorted[mid]!)) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
