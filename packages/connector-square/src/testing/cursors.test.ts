import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CursorBook, DEFAULT_SQUARE_CURSOR_TTL_MS, pageWithCursor } from './cursors.js';
import { startFakeSquare, type FakeSquare } from './index.js';

let now = 0;
let square: FakeSquare;
let token: string;
beforeEach(async () => {
  now = Date.parse('2025-03-01T12:00:00Z');
  square = await startFakeSquare({ now: () => now, cursorTtlMs: 60_000 });
  square.merchant().seed({ items: 150 });
  token = square.issueTokens().access_token;
});
afterEach(async () => {
  await square.close();
});

async function list(cursor?: string, bearer = token): Promise<{ status: number; json: any }> {
  const response = await fetch(`${square.url}/v2/catalog/list?types=ITEM${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: response.status, json: await response.json() };
}
const invalidCursor = { errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_CURSOR', detail: expect.any(String), field: 'cursor' }] };

describe('fake square cursors', () => {
  it('hands out opaque cursors that work again for a retried page until they expire, then answer INVALID_CURSOR', async () => {
    const { cursor } = (await list()).json;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]{48}$/);
    const once = await list(cursor);
    const again = await list(cursor);
    expect(again).toEqual(once);
    expect(once.json.objects).toHaveLength(50);
    now += 60_001;
    expect(await list(cursor)).toEqual({ status: 400, json: invalidCursor });
  });

  it('refuses a forged cursor and one of another seller', async () => {
    expect(await list('not-a-cursor')).toEqual({ status: 400, json: invalidCursor });
    const { cursor } = (await list()).json;
    const other = square.addMerchant();
    other.seed({ items: 150 });
    expect(await list(cursor, square.issueTokens({ merchantId: other.id }).access_token)).toEqual({ status: 400, json: invalidCursor });
  });

  it('refuses a cursor of one endpoint at another', async () => {
    const { cursor } = (await list()).json;
    const response = await fetch(`${square.url}/v2/catalog/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ object_types: ['ITEM'], cursor }),
    });
    expect(await response.json()).toEqual(invalidCursor);
  });

  it('ends every walk in progress when the test expires all cursors', async () => {
    const { cursor } = (await list()).json;
    expect(square.faults.expireCursors()).toBe(1);
    expect((await list(cursor)).json).toEqual(invalidCursor);
    // A new walk works.
    expect((await list()).status).toBe(200);
  });
});

describe('CursorBook', () => {
  const scope = { route: 'GET /x', merchantId: 'M', fingerprint: '{}' };
  it('starts a walk now without a cursor and resumes the issued position with its start time', () => {
    let clock = 1000;
    let n = 0;
    const book = new CursorBook({ now: () => clock, newCursor: () => `c${++n}` });
    expect(book.resume(undefined, scope)).toEqual({ after: undefined, startedAt: 1000 });
    const cursor = book.issue(scope, ['k'], 1000);
    clock += DEFAULT_SQUARE_CURSOR_TTL_MS;
    expect(book.resume(cursor, scope)).toEqual({ after: ['k'], startedAt: 1000 });
    expect(book.resume(cursor, { ...scope, fingerprint: '{"a":1}' })).toHaveProperty('refusal.status', 400);
    clock += 1;
    expect(book.resume(cursor, scope)).toHaveProperty('refusal.json.errors.0.code', 'INVALID_CURSOR');
    expect(() => book.setTtlMs(-1)).toThrow(RangeError);
  });

  it('hands out a cursor only when more items follow', () => {
    const book = new CursorBook({ now: () => 0, newCursor: () => 'c' });
    const request = { book, scope, cursor: undefined, select: () => ['a', 'b', 'c'], keyOf: (x: string) => [x], order: 'ASC' as const };
    expect(pageWithCursor({ ...request, limit: 3 })).toEqual({ items: ['a', 'b', 'c'], cursor: undefined });
    expect(pageWithCursor({ ...request, limit: 2 })).toEqual({ items: ['a', 'b'], cursor: 'c' });
    expect(pageWithCursor({ ...request, cursor: 'c', limit: 2 })).toEqual({ items: ['c'], cursor: undefined });
  });
});
