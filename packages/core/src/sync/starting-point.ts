import type { OutgoingRequest } from '../connector/index.js';
import type { CompiledRequestTemplate } from '../http/index.js';
import { incrementalStart, withIncrementalStart, type IncrementalSpec } from './incremental.js';
import { partitionValues, type PartitionPlan } from './partitions.js';
import type { StreamCheckpoint, SyncMode } from './types.js';

/** What a walk of a stream starts from: its request template and incremental rule. */
export interface StreamStart {
  readonly request: CompiledRequestTemplate;
  readonly incremental?: IncrementalSpec | undefined;
}

/** Where a run starts, and the mark of the last finished run it starts after. */
export interface StartingPoint {
  /** Undefined when a partitioned stream has no partition yet (no ids recorded): nothing to read. */
  readonly first: OutgoingRequest | undefined;
  /** The saved request of an interrupted run that `first` is, or undefined for a fresh start. */
  readonly resumeFrom: OutgoingRequest | undefined;
  /** The last finished run's high-water mark (undefined for a full run). */
  readonly previousMark: string | undefined;
  /** The partition `first` belongs to (0 for a stream without partitions). */
  readonly partition: number;
}

/**
 * The stream's own first request, from the last checkpoint: incrementally after `previousMark`
 * (minus the lookback, or from `initial`), or from the beginning for a stream without
 * `incremental` or a full run (no mark).
 * @example
 * freshRequest(stream, connection.templateValues, '2026-03-01T12:00:00Z'); // GET …/products?limit=3&updated_since=2026-03-01T12:00:00Z
 */
export function freshRequest(stream: StreamStart, templateValues: Readonly<Record<string, unknown>>, previousMark: string | undefined): OutgoingRequest {
  const rendered = stream.request.render(templateValues);
  if (stream.incremental === undefined) return rendered;
  const start = incrementalStart(stream.incremental, previousMark);
  return start === undefined ? rendered : withIncrementalStart(rendered, stream.incremental, start);
}

/**
 * Where a run starts: the saved request of an interrupted run (incremental runs resume), else the
 * stream's first request, incrementally from the last high-water mark unless `full`. A
 * partitioned run resumes in the partition it was in, unless the list of partitions changed since
 * (then it starts over: a saved position in another list could skip ids).
 * @example
 * const { first, resumeFrom, previousMark, partition } = startingPoint(stream, templateValues, await store.readCheckpoint(id, name), 'incremental', plan);
 */
export function startingPoint(
  stream: StreamStart,
  templateValues: Readonly<Record<string, unknown>>,
  saved: StreamCheckpoint | undefined,
  mode: SyncMode,
  plan: PartitionPlan,
): StartingPoint {
  const previousMark = mode === 'full' ? undefined : saved?.highWaterMark;
  let resumeFrom = mode === 'incremental' ? saved?.resume : undefined;
  let partition = 0;
  if (resumeFrom !== undefined) {
    // An unpartitioned stream has fingerprint '' and saves no partition: it always matches itself.
    const { index, of } = saved?.partition ?? { index: 0, of: '' };
    if (of === plan.fingerprint && index < plan.slices.length) partition = index;
    else resumeFrom = undefined;
  }
  if (plan.slices.length === 0) return { first: undefined, resumeFrom: undefined, previousMark, partition: 0 };
  const first = resumeFrom ?? freshRequest(stream, partitionValues(templateValues, plan.slices[partition]), previousMark);
  return { first, resumeFrom, previousMark, partition };
}
