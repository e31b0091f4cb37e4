import { describe, expect, it } from 'vitest';
import { testComponent } from '@connectd/core/testing';
import type { OutgoingRequest, PaginatorRuntime, ReceivedPage } from '@connectd/core/connector';
import { suiteqlPaginator } from './suiteql-paginator.js';

const request: OutgoingRequest = {
  method: 'POST',
  url: 'https://1234567.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql',
  headers: { Prefer: 'transient' },
  body: '{"q":"SELECT id FROM item ORDER BY id"}',
};
const pageOf = (sent: OutgoingRequest, body: unknown): ReceivedPage => ({ request: sent, status: 200, headers: {}, body });
const query = (r: OutgoingRequest | null): string => (r === null ? 'done' : new URL(r.url).search);

describe('netsuite/suiteql', () => {
  it('asks for limit and offset 0, steps the offset by the limit while hasMore, and stops when hasMore is false', async () => {
    const report = await testComponent(suiteqlPaginator, {
      valid: [
        {
          name: 'limit 2',
          options: { limit: 2 },
          check: (paging: PaginatorRuntime) => {
            const first = paging.first!(request);
            expect(query(first)).toBe('?limit=2&offset=0');
            expect([first.method, first.body, first.headers]).toEqual([request.method, request.body, request.headers]);
            // A short page that still says hasMore moves by the limit, since offsets must be multiples of it.
            const second = paging.next(pageOf(first, { hasMore: true, items: [{ id: '1' }] }), [{ id: '1' }]);
            expect(query(second)).toBe('?limit=2&offset=2');
            expect(query(paging.next(pageOf(second!, { hasMore: false, items: [{ id: '3' }] }), [{ id: '3' }]))).toBe('done');
            expect(paging.pageSize).toBe(2);
          },
        },
        { name: 'default limit is SuiteQL\'s largest', options: {}, check: (paging: PaginatorRuntime) => expect(query(paging.first!(request))).toBe('?limit=1000&offset=0') },
      ],
      invalid: [
        { name: 'above 1000', options: { limit: 1001 }, error: 'must be <= 1000' },
        { name: 'zero', options: { limit: 0 }, error: 'must be >= 1' },
        { name: 'a cursor option', options: { cursor: '$.next' }, error: 'must NOT have additional properties' },
      ],
    });
    expect(report).toEqual({ valid: 2, invalid: 3 });
  });

  it('fails with a code on a body that is not a SuiteQL page rather than ending the stream quietly', () => {
    const paging = suiteqlPaginator.create({}, undefined as never);
    expect(() => paging.next(pageOf(request, { items: [] }), [])).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_NETSUITE_NOT_SUITEQL_PAGE' }));
  });
});
