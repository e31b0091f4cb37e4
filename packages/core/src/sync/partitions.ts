/**
 * Partitioned streams: endpoints that read a few of the account's locations (or products) per
 * request, such as Square's order search (at most 10 location ids) or payment list (one). The
 * stream declares `partition: { by: store, size: 10 }`; a run walks the stream once per slice of
 * the vendor ids connectd has recorded for that kind, each slice filling the `{partition}`
 * placeholder of the request.
 */
import { createHash } from 'node:crypto';

/** `partition:` as connectors.yaml declares it. */
export interface PartitionSpec {
  /** The kind of vendor id partitioned over: `store` (location ids) or `product` (variant ids). */
  readonly by: string;
  /** Ids per request (default 1). */
  readonly size?: number | undefined;
}

/** The template value a slice of ids fills: `{partition}`. */
export const PARTITION_VALUE = 'partition';

/** A run's partitions: the slices in order, and a fingerprint of the whole list. */
export interface PartitionPlan {
  /** One entry per walk; `undefined` alone means the stream is not partitioned (one walk, no `{partition}`). */
  readonly slices: ReadonlyArray<readonly string[] | undefined>;
  /** Changes when the list of ids does: a saved position in another list is not resumed. */
  readonly fingerprint: string;
}

const UNPARTITIONED: PartitionPlan = { slices: [undefined], fingerprint: '' };

/**
 * Cuts the sorted vendor ids into slices of `size`. No ids gives no slices: nothing to read yet.
 * @example
 * partitionPlan({ by: 'store', size: 2 }, ['L1', 'L2', 'L3']).slices; // [['L1', 'L2'], ['L3']]
 * partitionPlan(undefined, []).slices;                                  // [undefined]
 */
export function partitionPlan(spec: PartitionSpec | undefined, vendorIds: readonly string[]): PartitionPlan {
  if (spec === undefined) return UNPARTITIONED;
  const size = Math.max(1, spec.size ?? 1);
  const slices: string[][] = [];
  for (let start = 0; start < vendorIds.length; start += size) slices.push(vendorIds.slice(start, start + size));
  return { slices, fingerprint: createHash('sha256').update(JSON.stringify(slices)).digest('base64url').slice(0, 16) };
}

/** The template values of one walk: the connection's, plus `{partition}` for a slice. */
export function partitionValues(templateValues: Readonly<Record<string, unknown>>, slice: readonly string[] | undefined): Readonly<Record<string, unknown>> {
  return slice === undefined ? templateValues : { ...templateValues, [PARTITION_VALUE]: slice };
}
