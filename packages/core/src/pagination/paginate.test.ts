import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComponentContext, OutgoingRequest, PaginatorRuntime, ReceivedPage } from '../connector/index.js';
import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { BUILTIN_PAGINATORS, paginate, recordsAt, type PaginateOptions, type PaginateSummary } from './index.js';

// A loopback vendor whose pages are programmed by the query string:
//   /p?page=N&last=L&size=S&sizes=5,5,3&empty=3,4  → { items: [...], next: "/p?page=N+1&..." | null }
//   /loop?cursor=cK                                 → cursors c1, c2, c3, c3, c3... (a vendor bug)
//   /big?page=N&per_page=50                         → 5,000 pages of 50 records, then an empty one
let server: Server;
let origin: string;
let hits: string[] = [];

const BIG_PAGES = 5_000;
const BIG_RECORD = (id: number): string =>
  `{"id":${id},"sku":"SKU-${String(id).padStart(8, '0')}","name":"Product ${id} with a reasonably long descriptive name","price":${(id % 997) / 10},"updated_at":"2024-05-01T12:00:00.000Z","tags":["a","b","c"]}`;

function respond(url: URL): unknown {
  const q = url.searchParams;
  if (url.pathname === '/loop') {
    const n = Number((q.get('cursor') ?? 'c0').slice(1));
    return { items: [n], next: `c${Math.min(n + 1, 3)}` };
  }
  if (url.pathname === '/p') {
    const page = Number(q.get('page') ?? '1');
    const last = Number(q.get('last') ?? '10');
    const sizes = (q.get('sizes') ?? '').split(',').filter(Boolean).map(Number);
    const empty = (q.get('empty') ?? '').split(',').filter(Boolean).map(Number);
    const size = empty.includes(page) ? 0 : (sizes[page - 1] ?? Number(q.get('size') ?? '5'));
    const next = new URL(url);
    next.searchParams.set('page', String(page + 1));
    return { items: Array.from({ length: size }, (_, i) => `${page}.${i}`), next: page < last ? `${next.pathname}${next.search}` : null };
  }
  return undefined;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const url = new URL(req.url ?? '/', origin);
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/big') {
      const page = Number(url.searchParams.get('page'));
      const size = page <= BIG_PAGES ? Number(url.searchParams.get('per_page')) : 0;
      const records = Array.from({ length: size }, (_, i) => BIG_RECORD(page * 1000 + i));
      res.end(`{"items":[${records.join(',')}]}`);
      return;
    }
    res.end(JSON.stringify(respond(url) ?? { error: 'no route' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function send(request: OutgoingRequest): Promise<ReceivedPage> {
  const res = await fetch(request.url, { method: request.method, headers: request.headers });
  return { request, status: res.status, headers: {}, body: await res.json() };
}

/** A plugin-style paginator: follows `next` in the body. */
const bodyNext: PaginatorRuntime = {
  next: (page) => {
    const next = (page.body as { next?: string | null }).next;
    return next ? { ...page.request, url: new URL(next, page.request.url).href } : null;
  },
};

const ctx: ComponentContext = { log: createLogger({ level: 'silent' }), signal: new AbortController().signal, now: () => new Date() };
const get = (path: string): OutgoingRequest => ({ method: 'GET', url: `${origin}${path}`, headers: {} });

async function drain(options: Partial<PaginateOptions> & { first: OutgoingRequest }): Promise<{ pages: unknown[][]; summary: PaginateSummary }> {
  hits = [];
  const run = paginate({ send, paginator: bodyNext, records: recordsAt('items'), ...options });
  const pages: unknown[][] = [];
  for (let step = await run.next(); ; step = await run.next()) {
    if (step.done === true) return { pages, summary: step.value };
    pages.push([...step.value.records]);
  }
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

describe('paginate', () => {
  it('fetches a page only when the consumer asks for it', async () => {
    hits = [];
    const run = paginate({ first: get('/p?last=10'), send, paginator: bodyNext, records: recordsAt('items') });
    expect(hits).toHaveLength(0);
    const first = await run.next();
    expect(first.done).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hits).toHaveLength(1);
    await run.next();
    expect(hits).toHaveLength(2);
    await run.return({ pages: 2, capped: false, stop: 'end' });
    expect(hits).toHaveLength(2);
  });

  it('yields index, request, page and records, and ends when the paginator returns null', async () => {
    hits = [];
    const run = paginate({ first: get('/p?last=2'), send, paginator: bodyNext, records: recordsAt('items') });
    const one = await run.next();
    expect(one.done === false && one.value.index).toBe(0);
    expect(one.done === false && one.value.request.url).toBe(`${origin}/p?last=2`);
    expect(one.done === false && one.value.page.status).toBe(200);
    expect(one.done === false && one.value.records).toEqual(['1.0', '1.1', '1.2', '1.3', '1.4']);
    const { summary } = await drain({ first: get('/p?last=2') });
    expect(summary).toEqual({ pages: 2, capped: false, stop: 'end' });
  });

  it('stops with CONNECTD_ERR_PAGINATION_LOOP before re-sending a repeated cursor', async () => {
    const err = await failure(
      drain({ first: get('/loop'), paginator: BUILTIN_PAGINATORS['cursor']!.create({ path: '$.next', param: 'cursor' } as never, ctx) }),
    );
    expect(isConnectdError(err, 'CONNECTD_ERR_PAGINATION_LOOP')).toBe(true);
    expect(hits).toEqual(['/loop', '/loop?cursor=c1', '/loop?cursor=c2', '/loop?cursor=c3']);
    expect((err as Error).message).toContain('cursor=c3');
  });

  it('names the repeated request in the loop error without its secrets', async () => {
    const paginator = BUILTIN_PAGINATORS['cursor']!.create({ path: '$.next', param: 'cursor' } as never, ctx);
    const err = await failure(
      drain({ first: get('/loop?api_key=SUPERSECRET123&sig=abcdef'), paginator, redact: (t) => t.replaceAll('c3', '[known secret]') }),
    );
    expect(isConnectdError(err, 'CONNECTD_ERR_PAGINATION_LOOP')).toBe(true);
    const text = `${(err as Error).message} ${JSON.stringify(err)}`;
    expect(text).not.toContain('SUPERSECRET123');
    expect(text).not.toContain('abcdef');
    expect(text).not.toContain('c3');
    expect(text).toContain('api_key=[redacted]');
  });

  it('holds the page cap: no request beyond it, and the run is marked capped', async () => {
    const { pages, summary } = await drain({ first: get('/p?last=10'), maxPages: 3 });
    expect(pages).toHaveLength(3);
    expect(summary).toEqual({ pages: 3, capped: true, stop: 'cap' });
    expect(hits).toHaveLength(3);
  });

  it('is not capped when the last page falls exactly on the cap', async () => {
    const { summary } = await drain({ first: get('/p?last=4'), maxPages: 4 });
    expect(summary).toEqual({ pages: 4, capped: false, stop: 'end' });
  });

  it('stops on an empty page by default, and reads past it with stopOnEmpty: false', async () => {
    const stops = await drain({ first: get('/p?last=5&empty=3') });
    expect(stops.summary).toEqual({ pages: 3, capped: false, stop: 'empty' });
    expect(stops.pages[2]).toEqual([]);
    const goesOn = await drain({ first: get('/p?last=5&empty=3'), stopOnEmpty: false });
    expect(goesOn.summary).toEqual({ pages: 5, capped: false, stop: 'end' });
  });

  it('stops on a short page against the declared size, the paginator size, or the largest page seen', async () => {
    const declared = await drain({ first: get('/p?last=10'), stopOnShortPage: { pageSize: 10 } });
    expect(declared.summary).toEqual({ pages: 1, capped: false, stop: 'short' });

    const page = BUILTIN_PAGINATORS['page']!.create({ size: 5, param: 'page', size_param: 'size' } as never, ctx);
    const fromPaginator = await drain({ first: get('/p?last=10&sizes=5,5,4,5'), paginator: page, stopOnShortPage: {} });
    expect(fromPaginator.summary).toEqual({ pages: 3, capped: false, stop: 'short' });

    const inferred = await drain({ first: get('/p?last=10&sizes=2,6,6,5,6'), stopOnShortPage: {} });
    expect(inferred.summary).toEqual({ pages: 4, capped: false, stop: 'short' });
    expect(hits).toHaveLength(4);
  });

  it('stops before the next request once the signal is aborted', async () => {
    hits = [];
    const controller = new AbortController();
    const run = paginate({ first: get('/p?last=10'), send, paginator: bodyNext, records: recordsAt('items'), signal: controller.signal });
    await run.next();
    controller.abort(new Error('shutting down'));
    await expect(run.next()).rejects.toThrow('shutting down');
    expect(hits).toHaveLength(1);
  });

  it('passes on a records error as its coded error', async () => {
    const err = await failure(drain({ first: get('/p?last=3'), records: recordsAt('next') }));
    expect(isConnectdError(err, 'CONNECTD_ERR_PAGINATION_RECORDS_NOT_ARRAY')).toBe(true);
  });
});

/** A real GC when the flag can be set at run time (it can on Node 20); otherwise undefined. */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

describe('paginate memory', () => {
  it('stays flat over 5,000 pages of 50 records', { timeout: 180_000 }, async () => {
    const gc = exposeGc();
    const heap = (): number => {
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    const paginator = BUILTIN_PAGINATORS['page']!.create({ size: 50 } as never, ctx);
    const run = paginate({ first: get('/big'), send, paginator, records: recordsAt('items') });
    let records = 0;
    let pages = 0;
    let atPage1000 = 0;
    let atPage5000 = 0;
    for await (const page of run) {
      records += page.records.length;
      pages++;
      if (pages === 1_000) atPage1000 = heap();
      if (pages === BIG_PAGES) atPage5000 = heap();
    }
    expect(pages).toBe(BIG_PAGES + 1); // the empty page after the last ends the run
    expect(records).toBe(BIG_PAGES * 50);
    // A consumer keeping the 4,000 pages in between measured about +60 MB here (50 parsed records
    // of ~250 bytes of JSON each); a flat run about +1 MB (the loop guard's digests). Without a
    // real GC the bound leaves room for uncollected young garbage.
    const growthMb = (atPage5000 - atPage1000) / 2 ** 20;
    expect(growthMb).toBeLessThan(gc === undefined ? 30 : 10);
  });
});
