import { describe, expect, it } from 'vitest';
import { encodeCursor, paginate, type ConnectionSource } from './graphql-connections.js';

interface Row {
  id: string;
  name: string;
}
const ROWS: Row[] = ['9', '10', '271878346596884015', '11', '12'].map((id, i) => ({ id, name: 'edcba'[i]! }));
const SOURCE: ConnectionSource<Row> = { items: ROWS, idOf: (r) => r.id, search: { name: { kind: 'string', get: (r) => r.name } }, sortKeys: { NAME: (r) => r.name } };
const ids = (page: ReturnType<typeof paginate<Row>>): string[] => ('error' in page ? [page.error] : page.items.map((r) => r.id));

describe('Relay connections', () => {
  it('orders by id numerically (beyond 2^53), pages forward with after and back with last/before', () => {
    const first = paginate(SOURCE, { first: 2 });
    expect(ids(first)).toEqual(['9', '10']);
    if ('error' in first) throw new Error(first.error);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = paginate(SOURCE, { first: 2, after: first.pageInfo.endCursor! });
    expect(ids(second)).toEqual(['11', '12']);
    if ('error' in second) throw new Error(second.error);
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    expect(ids(paginate(SOURCE, { first: 2, after: second.pageInfo.endCursor! }))).toEqual(['271878346596884015']);
    expect(ids(paginate(SOURCE, { last: 2, before: second.pageInfo.startCursor! }))).toEqual(['9', '10']);
    expect(ids(paginate(SOURCE, { first: 10, reverse: true }))).toEqual(['271878346596884015', '12', '11', '10', '9']);
  });

  it('sorts by a sort key, searches, and refuses an unreadable cursor or an unknown sort key', () => {
    expect(ids(paginate(SOURCE, { first: 10, sortKey: 'NAME' }))).toEqual(['12', '11', '271878346596884015', '10', '9']);
    expect(ids(paginate(SOURCE, { first: 10, query: 'name:c' }))).toEqual(['271878346596884015']);
    expect(ids(paginate(SOURCE, { first: 1, after: 'not-a-cursor' }))).toEqual([expect.stringMatching(/^Invalid cursor/)]);
    expect(ids(paginate(SOURCE, { first: 1, sortKey: 'PRICE' }))).toEqual(['Invalid sortKey PRICE']);
  });

  it("writes cursors as Shopify does: base64 of {last_id, last_value}", () => {
    expect(Buffer.from(encodeCursor('271878346596884015', 271878346596884015n), 'base64').toString()).toBe('{"last_id":271878346596884015,"last_value":"271878346596884015"}');
  });
});
