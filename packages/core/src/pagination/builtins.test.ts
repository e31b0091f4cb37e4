import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileComponentSchemas } from '../connector/compile-schemas.js';
import type { ComponentContext, OutgoingRequest, ReceivedPage } from '../connector/index.js';
import { createLogger } from '../log/index.js';
import { BUILTIN_PAGINATORS, paginate, recordsAt, walkLimits, type PaginateSummary } from './index.js';

// A loopback vendor that pages 48 items (ids 0..47) five at a time, in each style.
const TOTAL = 48;
const SIZE = 5;
const PAGES = Math.ceil(TOTAL / SIZE); // 10, the last one short
const slice = (from: number): number[] => Array.from({ length: Math.max(0, Math.min(SIZE, TOTAL - from)) }, (_, i) => from + i);
const cursorOf = (from: number): string => Buffer.from(`from:${from}`).toString('base64url');
const fromCursor = (cursor: string | null | undefined): number => (cursor ? Number(Buffer.from(cursor, 'base64url').toString().slice(5)) : 0);

interface Arrived {
  method: string;
  url: string;
  body: string;
}

let server: Server;
let origin: string;
let arrived: Arrived[] = [];

function route(method: string, url: URL, body: string): { status?: number; headers?: Record<string, string>; json: unknown } {
  const q = url.searchParams;
  switch (url.pathname) {
    case '/link': {
      const page = Number(q.get('page') ?? '1');
      const links = [`</link?page=1>; rel="first"`];
      // Alternate absolute and relative targets; the next link also carries a second relation.
      if (page < PAGES) links.push(page % 2 === 0 ? `<${origin}/link?page=${page + 1}>; rel="next"` : `<?page=${page + 1}>; rel="nofollow next"`);
      return { headers: { link: links.join(', ') }, json: { items: slice((page - 1) * SIZE) } };
    }
    case '/cursor-body': {
      const from = fromCursor(q.get('cursor'));
      const next = from + SIZE < TOTAL ? cursorOf(from + SIZE) : null;
      return { json: { items: slice(from), meta: { next_cursor: next } } };
    }
    case '/cursor-header': {
      const from = fromCursor(q.get('after'));
      return { headers: from + SIZE < TOTAL ? { 'x-next-cursor': cursorOf(from + SIZE) } : {}, json: slice(from) };
    }
    case '/graphql': {
      const { variables } = JSON.parse(body) as { variables: { first: number; after?: string | null } };
      const from = fromCursor(variables.after);
      const ids = slice(from).slice(0, variables.first);
      const edges = ids.map((id) => ({ cursor: cursorOf(id + 1), node: { id } }));
      // Relay: endCursor stays set on the last page; hasNextPage says it is the last.
      const pageInfo = { hasNextPage: from + ids.length < TOTAL, endCursor: edges.at(-1)?.cursor ?? null };
      return { json: { data: { products: { edges, pageInfo } } } };
    }
    case '/offset':
      return { json: { items: slice(Number(q.get('offset'))).slice(0, Number(q.get('limit'))) } };
    case '/page':
      return { json: { items: slice((Number(q.get('page')) - 1) * Number(q.get('per_page'))) } };
    default:
      return { status: 404, json: { error: 'no route' } };
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      arrived.push({ method: req.method ?? '', url: req.url ?? '', body });
      const out = route(req.method ?? 'GET', new URL(req.url ?? '/', origin), body);
      res.writeHead(out.status ?? 200, { 'content-type': 'application/json', ...out.headers });
      res.end(JSON.stringify(out.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/**
 * A stand-in for the transport: the HTTP client the runtime uses (undici, which refuses a declared
 * Content-Length that does not fit the body), lower-cased headers, parsed JSON.
 */
async function send(request: OutgoingRequest): Promise<ReceivedPage> {
  const method = request.method as 'GET' | 'POST';
  const res = await undiciRequest(request.url, { method, headers: request.headers, body: request.body ?? null });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers[name] = value;
  return { request, status: res.statusCode, headers, body: await res.body.json() };
}

const ctx: ComponentContext = { log: createLogger({ level: 'silent' }), signal: new AbortController().signal, now: () => new Date() };

async function walk(
  id: string,
  options: Record<string, unknown>,
  first: OutgoingRequest,
  recordsPath: string,
): Promise<{ ids: unknown[]; pages: number; summary: PaginateSummary }> {
  arrived = [];
  const paginator = BUILTIN_PAGINATORS[id]!.create(options as never, ctx);
  const run = paginate({ first, send, paginator, records: recordsAt(recordsPath), ...walkLimits(options) });
  const ids: unknown[] = [];
  let pages = 0;
  for (let step = await run.next(); ; step = await run.next()) {
    if (step.done === true) return { ids, pages, summary: step.value };
    pages++;
    ids.push(...step.value.records.map((r) => (typeof r === 'number' ? r : ((r as { node?: { id: number } }).node?.id ?? r))));
  }
}

const get = (path: string): OutgoingRequest => ({ method: 'GET', url: `${origin}${path}`, headers: { accept: 'application/json' } });
const everyId = Array.from({ length: TOTAL }, (_, i) => i);

describe('built-in paginators walk a 10-page loopback vendor to the end', () => {
  it('link_header follows rel="next" through absolute and relative links', async () => {
    const { ids, pages, summary } = await walk('link_header', {}, get('/link?page=1'), '$.items');
    expect(ids).toEqual(everyId);
    expect(pages).toBe(PAGES);
    expect(summary).toEqual({ pages: PAGES, capped: false, stop: 'end' });
    expect(arrived.map((a) => a.url)).toEqual(Array.from({ length: PAGES }, (_, i) => `/link?page=${i + 1}`));
  });

  it('cursor reads a body path and sends it as a query parameter, keeping the declared query', async () => {
    const { ids, summary } = await walk('cursor', { path: '$.meta.next_cursor', param: 'cursor' }, get('/cursor-body?status=open'), 'items');
    expect(ids).toEqual(everyId);
    expect(summary.stop).toBe('end');
    expect(arrived).toHaveLength(PAGES);
    expect(arrived[1]!.url).toBe(`/cursor-body?status=open&cursor=${cursorOf(SIZE)}`);
  });

  it('cursor reads a response header', async () => {
    const { ids, summary } = await walk('cursor', { from: 'header', header: 'X-Next-Cursor', param: 'after' }, get('/cursor-header'), '$');
    expect(ids).toEqual(everyId);
    expect(summary).toEqual({ pages: PAGES, capped: false, stop: 'end' });
  });

  it('cursor sends GraphQL pageInfo.endCursor as variables.after and stops on hasNextPage: false', async () => {
    const body = JSON.stringify({
      query: 'query($first:Int,$after:String){products(first:$first,after:$after){edges{node{id}}}}',
      variables: { first: SIZE },
    });
    // A declared Content-Length fits the first body only; the paginator must drop it for the next ones.
    const first: OutgoingRequest = {
      method: 'POST',
      url: `${origin}/graphql`,
      headers: { 'content-type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) },
      body,
    };
    const options = { path: 'data.products.pageInfo.endCursor', param: 'after', in: 'body', body_path: 'variables.after' };
    const { ids, summary } = await walk('cursor', options, first, 'data.products.edges');
    expect(ids).toEqual(everyId);
    expect(summary).toEqual({ pages: PAGES, capped: false, stop: 'end' });
    expect(arrived).toHaveLength(PAGES);
    const second = JSON.parse(arrived[1]!.body) as { query: string; variables: Record<string, unknown> };
    expect(second.variables).toEqual({ first: SIZE, after: cursorOf(SIZE) });
    expect(second.query).toContain('products(first:$first');
  });

  it('offset sends offset/limit, stops on the empty page after the last, or on the short page when asked', async () => {
    const plain = await walk('offset', { limit: SIZE }, get('/offset'), 'items');
    expect(plain.ids).toEqual(everyId);
    expect(plain.summary).toEqual({ pages: PAGES + 1, capped: false, stop: 'empty' });
    expect(arrived.slice(0, 2).map((a) => a.url)).toEqual(['/offset?offset=0&limit=5', '/offset?offset=5&limit=5']);

    const short = await walk('offset', { limit: SIZE, stop_on_short_page: true }, get('/offset'), 'items');
    expect(short.ids).toEqual(everyId);
    expect(short.summary).toEqual({ pages: PAGES, capped: false, stop: 'short' });
    expect(arrived).toHaveLength(PAGES);
  });

  it('page sends page/per_page from the start number and stops on the short last page', async () => {
    const { ids, summary } = await walk('page', { size: SIZE, stop_on_short_page: true }, get('/page?sort=id'), 'items');
    expect(ids).toEqual(everyId);
    expect(summary).toEqual({ pages: PAGES, capped: false, stop: 'short' });
    expect(arrived[0]!.url).toBe('/page?sort=id&page=1&per_page=5');
    expect(arrived.at(-1)!.url).toBe(`/page?sort=id&page=${PAGES}&per_page=5`);
  });

  it('none makes one request', async () => {
    const { pages, summary } = await walk('none', {}, get('/page?page=1&per_page=5'), 'items');
    expect(pages).toBe(1);
    expect(summary.stop).toBe('end');
    expect(arrived).toHaveLength(1);
  });
});

describe('BUILTIN_PAGINATORS', () => {
  it('registers none, link_header, cursor, offset and page under bare ids matching meta.type', () => {
    expect(Object.keys(BUILTIN_PAGINATORS)).toEqual(['none', 'link_header', 'cursor', 'offset', 'page']);
    for (const [id, definition] of Object.entries(BUILTIN_PAGINATORS)) expect(definition.meta.type).toBe(id);
  });

  it('has option schemas that compile under the strict plugin-schema rules', () => {
    const meta = { name: '@connectd/core', version: '0.1.0', namespace: 'core', engine: '*' };
    expect(compileComponentSchemas({ meta, paginators: BUILTIN_PAGINATORS })).toEqual([]);
  });
});
