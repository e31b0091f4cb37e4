import { describe, expect, it } from 'vitest';
import { highWater, incrementalStart, withIncrementalStart } from './incremental.js';

const request = { method: 'POST', url: 'http://127.0.0.1:1/items?limit=5', headers: {}, body: '{"query":"q","variables":{"first":5}}' };

describe('incremental sync', () => {
  it('starts from the mark minus the lookback, or from `initial` on the first run', () => {
    expect(incrementalStart({ cursor_field: 'updated_at', lookback_seconds: 60 }, '2026-01-01T00:01:00Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(incrementalStart({ cursor_field: 'updated_at', initial: '1970-01-01T00:00:00Z' }, undefined)).toBe('1970-01-01T00:00:00Z');
    expect(incrementalStart({ cursor_field: 'seq', lookback_seconds: 60 }, '1042')).toBe('1042');
    expect(incrementalStart({ cursor_field: 'updated_at' }, undefined)).toBeUndefined();
    // `initial` is sent as written: looking back from the start of time would mean 1969.
    expect(incrementalStart({ cursor_field: 'updated_at', lookback_seconds: 60, initial: '1970-01-01T00:00:00Z' }, undefined)).toBe('1970-01-01T00:00:00Z');
  });

  it("writes the start inside a search query's syntax when format says so", () => {
    const request = { method: 'POST', url: 'https://shop.test/graphql.json', headers: {}, body: JSON.stringify({ query: 'q', variables: { first: 250 } }) };
    const spec = { cursor_field: 'updatedAt', in: 'graphql_variable' as const, variable: 'search', format: "updated_at:>'{value}'" };
    const sent = withIncrementalStart(request, spec, '2026-01-01T00:00:00Z');
    expect(JSON.parse(sent.body as string)).toEqual({ query: 'q', variables: { first: 250, search: "updated_at:>'2026-01-01T00:00:00Z'" } });
  });

  it('sends the start as a query parameter, a body field, or a GraphQL variable', () => {
    expect(withIncrementalStart(request, { cursor_field: 'updated_at', param: 'updated_at_min' }, 'T').url).toBe('http://127.0.0.1:1/items?limit=5&updated_at_min=T');
    expect(JSON.parse(withIncrementalStart(request, { cursor_field: 'u', in: 'body', body_path: 'filter.updated_after' }, 'T').body as string)).toEqual({
      query: 'q',
      variables: { first: 5 },
      filter: { updated_after: 'T' },
    });
    expect(JSON.parse(withIncrementalStart(request, { cursor_field: 'u', in: 'graphql_variable', variable: 'since' }, 'T').body as string).variables).toEqual({
      first: 5,
      since: 'T',
    });
  });

  it('takes the largest cursor value, comparing dates as instants across offsets', () => {
    const records = [{ updated_at: '2025-04-02T11:29:59-05:00' }, { updated_at: '2025-04-02T16:30:00Z' }, { other: 1 }, null];
    expect(highWater(records, 'updated_at', '2025-04-02T16:00:00Z')).toBe('2025-04-02T16:30:00Z');
    expect(highWater([{ updated_at: '2025-04-02T11:29:59-05:00' }], 'updated_at', '2025-04-02T16:30:00Z')).toBe('2025-04-02T16:30:00Z');
    expect(highWater([], 'updated_at', undefined)).toBeUndefined();
  });
});
