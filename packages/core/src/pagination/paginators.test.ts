import { describe, expect, it } from 'vitest';
import type { ComponentContext, OutgoingRequest, PaginatorRuntime, ReceivedPage } from '../connector/index.js';
import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { BUILTIN_PAGINATORS, walkLimits } from './index.js';

const ctx: ComponentContext = { log: createLogger({ level: 'silent' }), signal: new AbortController().signal, now: () => new Date() };
const make = (id: string, options: Record<string, unknown>): PaginatorRuntime => BUILTIN_PAGINATORS[id]!.create(options as never, ctx);
const request = (url: string, extra: Partial<OutgoingRequest> = {}): OutgoingRequest => ({ method: 'GET', url, headers: {}, ...extra });
const page = (req: OutgoingRequest, body: unknown, headers: ReceivedPage['headers'] = {}): ReceivedPage => ({ request: req, status: 200, headers, body });
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return isConnectdError(err) ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
};

describe('offset paginator', () => {
  const offset = make('offset', { limit: 100 });

  it('adds offset=0 and the limit to the first request, keeping a declared start offset', () => {
    expect(offset.first!(request('https://x.test/items?q=1')).url).toBe('https://x.test/items?q=1&offset=0&limit=100');
    expect(offset.first!(request('https://x.test/items?offset=300')).url).toBe('https://x.test/items?offset=300&limit=100');
    expect(offset.pageSize).toBe(100);
  });

  it('advances by the records received, so a vendor capping the page lower loses nothing', () => {
    const prev = request('https://x.test/items?offset=200&limit=100');
    expect(offset.next(page(prev, {}), new Array(40).fill(0))!.url).toBe('https://x.test/items?offset=240&limit=100');
    expect(offset.next(page(prev, {}), [])!.url).toBe('https://x.test/items?offset=300&limit=100');
  });

  it('uses the configured parameter names', () => {
    const custom = make('offset', { param: 'skip', limit_param: 'take', limit: 10 });
    expect(custom.first!(request('https://x.test/i')).url).toBe('https://x.test/i?skip=0&take=10');
  });

  it('refuses an offset that is not a whole number', () => {
    expect(codeOf(() => offset.next(page(request('https://x.test/i?offset=abc'), {}), [1]))).toBe('CONNECTD_ERR_PAGINATION_PARAM_INVALID');
  });
});

describe('page paginator', () => {
  it('starts at `start` unless the request names a page, and counts up', () => {
    const paged = make('page', { start: 0, size: 25 });
    expect(paged.first!(request('https://x.test/i')).url).toBe('https://x.test/i?page=0&per_page=25');
    expect(paged.first!(request('https://x.test/i?page=7')).url).toBe('https://x.test/i?page=7&per_page=25');
    expect(paged.next(page(request('https://x.test/i?page=7&per_page=25'), {}), [1])!.url).toBe('https://x.test/i?page=8&per_page=25');
    expect(make('page', {}).first!(request('https://x.test/i')).url).toBe('https://x.test/i?page=1&per_page=100');
  });
});

describe('cursor paginator', () => {
  it('turns a numeric cursor into text and stops on null, empty or absent cursors', () => {
    const cursor = make('cursor', { path: '$.next', param: 'since' });
    const prev = request('https://x.test/i');
    expect(cursor.next(page(prev, { next: 42 }), [1])!.url).toBe('https://x.test/i?since=42');
    for (const body of [{ next: null }, { next: '' }, {}, null, 'text']) expect(cursor.next(page(prev, body), [1])).toBeNull();
  });

  it('refuses a cursor path that points at an object', () => {
    const cursor = make('cursor', { path: 'pageInfo', param: 'after' });
    expect(codeOf(() => cursor.next(page(request('https://x.test/i'), { pageInfo: { endCursor: 'a' } }), [1]))).toBe(
      'CONNECTD_ERR_PAGINATION_CURSOR_INVALID',
    );
  });

  it('stops on hasNextPage: false beside the cursor, even though endCursor is set', () => {
    const cursor = make('cursor', { path: 'data.items.pageInfo.endCursor', param: 'after' });
    const body = (hasNextPage: boolean): unknown => ({ data: { items: { pageInfo: { hasNextPage, endCursor: 'e1' } } } });
    expect(cursor.next(page(request('https://x.test/g'), body(false)), [1])).toBeNull();
    expect(cursor.next(page(request('https://x.test/g'), body(true)), [1])!.url).toBe('https://x.test/g?after=e1');
  });

  it('reads the first value of a repeated header', () => {
    const cursor = make('cursor', { from: 'header', header: 'X-Cursor', param: 'c' });
    expect(cursor.next(page(request('https://x.test/i'), {}, { 'x-cursor': ['one', 'two'] }), [1])!.url).toBe('https://x.test/i?c=one');
  });

  it('writes into the JSON body, creating missing objects, from a string or bytes, without touching the input', () => {
    const cursor = make('cursor', { path: '$.next', param: 'after', in: 'body', body_path: 'variables.after' });
    const prev = Object.freeze(request('https://x.test/g', { method: 'POST', headers: { 'content-length': '12' }, body: '{"query":"q"}' }));
    const next = cursor.next(page(prev, { next: 'n1' }), [1])!;
    expect(JSON.parse(next.body as string)).toEqual({ query: 'q', variables: { after: 'n1' } });
    expect(next.headers).toEqual({});
    expect(prev.body).toBe('{"query":"q"}');
    const bytes = request('https://x.test/g', { method: 'POST', body: new TextEncoder().encode('{"variables":{"first":5}}') });
    expect(JSON.parse(cursor.next(page(bytes, { next: 'n2' }), [1])!.body as string)).toEqual({ variables: { first: 5, after: 'n2' } });
  });

  it('refuses to write a body cursor into a request without a JSON object body', () => {
    const cursor = make('cursor', { path: '$.next', param: 'after', in: 'body', body_path: 'variables.after' });
    for (const body of [undefined, 'not json', '[1,2]', '{"variables":"text"}']) {
      const prev = request('https://x.test/g', { method: 'POST', body });
      expect(codeOf(() => cursor.next(page(prev, { next: 'n' }), [1])), String(body)).toBe('CONNECTD_ERR_PAGINATION_BODY_NOT_JSON');
    }
  });

  it('refuses a malformed cursor path when created', () => {
    expect(codeOf(() => make('cursor', { path: 'data[*].cursor', param: 'c' }))).toBe('CONNECTD_ERR_PAGINATION_PATH_INVALID');
  });
});

describe('link_header paginator', () => {
  it('keeps method, headers and body, follows a custom rel, and ends without a matching link', () => {
    const older = make('link_header', { rel: 'older' });
    const prev = request('https://x.test/feed', { headers: { accept: 'application/json' } });
    const next = older.next(page(prev, {}, { link: '</feed?before=9>; rel="newer", </feed?before=3>; rel="older"' }), [1]);
    expect(next).toEqual({ ...prev, url: 'https://x.test/feed?before=3' });
    expect(older.next(page(prev, {}, { link: '</feed?before=9>; rel="next"' }), [1])).toBeNull();
    expect(older.next(page(prev, {}), [1])).toBeNull();
  });

  it('refuses a link to another origin, where credentials would follow', () => {
    const links = make('link_header', {});
    const prev = request('http://127.0.0.1:8080/items');
    for (const target of ['https://127.0.0.1:8080/items?page=2', 'http://127.0.0.1:9090/items?page=2', 'http://evil.test/items']) {
      expect(codeOf(() => links.next(page(prev, {}, { link: `<${target}>; rel=next` }), [1])), target).toBe(
        'CONNECTD_ERR_PAGINATION_CROSS_ORIGIN',
      );
    }
  });
});

describe('none paginator', () => {
  it('never has a next page', () => {
    expect(make('none', {}).next(page(request('https://x.test/'), { next: 'x' }, { link: '</2>; rel=next' }), [1])).toBeNull();
  });
});

describe('walkLimits', () => {
  it('applies the documented defaults and reads the snake_case options', () => {
    expect(walkLimits(undefined)).toEqual({ maxPages: 10_000, stopOnEmpty: true });
    expect(walkLimits({ max_pages: 5, stop_on_empty: false, stop_on_short_page: true })).toEqual({
      maxPages: 5,
      stopOnEmpty: false,
      stopOnShortPage: {},
    });
    expect(walkLimits({ max_pages: 0, stop_on_empty: 'yes' })).toEqual({ maxPages: 10_000, stopOnEmpty: true });
  });
});
