import type { OutgoingRequest } from '../connector/index.js';
import { setQueryParams, withJsonBodyValue } from '../pagination/index.js';

/** How a stream syncs incrementally (the YAML `incremental` block). */
export interface IncrementalSpec {
  /** Field of the vendor records whose largest value is the next run's starting point. */
  readonly cursor_field: string;
  /** Query parameter the starting point is sent in (`in: query`, the default). */
  readonly param?: string;
  readonly in?: 'query' | 'body' | 'graphql_variable';
  /** GraphQL variable name (`in: graphql_variable`). */
  readonly variable?: string;
  /** Dotted path in the JSON body (`in: body`). */
  readonly body_path?: string;
  /** Re-read this much before the high-water mark, for vendors whose clocks or indexes lag. */
  readonly lookback_seconds?: number;
  /** Starting point of the very first run. */
  readonly initial?: string;
  /** How the start is written where it goes; `{value}` is the start (default the start itself). */
  readonly format?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T|\s|$)/;

/**
 * The value the next incremental run starts from: the mark minus the lookback, or `initial` as
 * written (looking back from the start of time would send a date before 1970, which vendors refuse).
 */
export function incrementalStart(spec: IncrementalSpec, highWaterMark: string | undefined): string | undefined {
  if (highWaterMark === undefined) return spec.initial;
  const mark = highWaterMark;
  const lookbackMs = (spec.lookback_seconds ?? 0) * 1000;
  if (lookbackMs === 0 || !ISO_DATE.test(mark)) return mark;
  const time = Date.parse(mark);
  return Number.isNaN(time) ? mark : new Date(time - lookbackMs).toISOString();
}

/** Puts the starting point where the vendor expects it: a query parameter, a body field, or a GraphQL variable. */
export function withIncrementalStart(request: OutgoingRequest, spec: IncrementalSpec, mark: string): OutgoingRequest {
  // A search query wants the mark inside its syntax (Shopify: updated_at:>'2025-01-01T00:00:00Z').
  const start = spec.format === undefined ? mark : spec.format.split('{value}').join(mark);
  switch (spec.in ?? 'query') {
    case 'body': {
      const path = spec.body_path ?? spec.param ?? spec.cursor_field;
      return withJsonBodyValue(request, path.split('.'), start, path);
    }
    case 'graphql_variable': {
      const name = spec.variable ?? spec.param ?? spec.cursor_field;
      return withJsonBodyValue(request, ['variables', name], start, `variables.${name}`);
    }
    default:
      return { ...request, url: setQueryParams(request.url, { [spec.param ?? spec.cursor_field]: start }) };
  }
}

function compareMarks(a: string, b: string): number {
  if (ISO_DATE.test(a) && ISO_DATE.test(b)) {
    const ta = Date.parse(a);
    const tb = Date.parse(b);
    if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The larger of `current` and every record's cursor field (dates compared as instants). */
export function highWater(records: readonly unknown[], field: string, current: string | undefined): string | undefined {
  let mark = current;
  for (const record of records) {
    if (record === null || typeof record !== 'object') continue;
    const raw = (record as Record<string, unknown>)[field];
    if (raw === undefined || raw === null) continue;
    const value = String(raw);
    if (mark === undefined || compareMarks(value, mark) > 0) mark = value;
  }
  return mark;
}
