import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as it arrived at the fake server, for tests to check from the server's side. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased names, as Node parses them. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** `Date.now()` when the request line and headers arrived. */
  readonly arrivedAt: number;
  text(): string;
  json<T = unknown>(): T;
}

/** An answer: a status with headers and a body, optionally late or slow. */
export interface FakeAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string | number | readonly string[]>>;
  /** Sent as JSON with `content-type: application/json`. */
  readonly json?: unknown;
  readonly body?: string | Uint8Array;
  /** Wait before sending the status line (a slow vendor; past the client's headers timeout, a timeout). */
  readonly delayMs?: number;
  /** Slow body: the body goes out in `chunks` pieces with this pause between them. */
  readonly chunkDelayMs?: number;
  readonly chunks?: number;
}

/**
 * What the server does with one request: answer, or a fault. `reset` destroys the connection
 * without an answer (the client sees ECONNRESET or "other side closed"); `hang` never answers
 * until the server closes.
 */
export type FakeReply = FakeAnswer | { readonly fault: 'reset' } | { readonly fault: 'hang' };

/** Computes a reply; `count` is the 1-based number of this request among those the route matched. */
export type FakeHandler = (request: RecordedRequest, context: { readonly count: number }) => FakeReply | Promise<FakeReply>;

export interface FakeHttpServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every request that arrived, in order of arrival. */
  readonly requests: readonly RecordedRequest[];
  /** Answers `method` (or `*`) on `path` (exact pathname, or `*`) with a fixed reply or a handler; replaces an earlier route. */
  route(method: string, path: string, reply: FakeReply | FakeHandler): FakeHttpServer;
  /** Scripted one-off replies for a route, used in order before its handler (e.g. 503, 503, then the route's 200). */
  enqueue(method: string, path: string, ...replies: FakeReply[]): FakeHttpServer;
  /** Requests that arrived for a method and pathname. */
  requestsTo(method: string, path: string): RecordedRequest[];
  /** Forgets routes, queues and recorded requests. */
  reset(): void;
  /** Stops listening and destroys open sockets, hung requests included. */
  close(): Promise<void>;
}

/** Shorthands for common replies. */
export const reply = {
  json: (value: unknown, status = 200, headers: FakeAnswer['headers'] = {}): FakeAnswer => ({ status, json: value, headers }),
  status: (status: number, headers: FakeAnswer['headers'] = {}): FakeAnswer => ({ status, headers, body: '' }),
  /** 429 (or `status`) with `Retry-After` in seconds, or as an HTTP-date when given a Date. */
  retryAfter: (after: number | Date, status = 429): FakeAnswer => ({
    status,
    headers: { 'retry-after': typeof after === 'number' ? String(after) : after.toUTCString() },
    json: { error: 'slow down' },
  }),
  reset: (): FakeReply => ({ fault: 'reset' }),
  hang: (): FakeReply => ({ fault: 'hang' }),
};

interface Route {
  handler: FakeHandler;
  count: number;
}

const key = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function record(req: IncomingMessage, body: Buffer, arrivedAt: number): RecordedRequest {
  const parsed = new URL(req.url ?? '/', 'http://fake.invalid');
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    path: parsed.pathname,
    query: parsed.searchParams,
    headers: req.headers,
    body,
    arrivedAt,
    text: () => body.toString('utf8'),
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
  };
}

async function answer(res: ServerResponse, a: FakeAnswer): Promise<void> {
  if (a.delayMs !== undefined) await pause(a.delayMs);
  if (res.destroyed) return;
  const headers: Record<string, string | number | readonly string[]> = { ...a.headers };
  let body: Buffer;
  if (a.json !== undefined) {
    body = Buffer.from(JSON.stringify(a.json));
    headers['content-type'] ??= 'application/json';
  } else {
    body = a.body === undefined ? Buffer.alloc(0) : Buffer.from(a.body);
  }
  // A declared transfer-encoding (chunked) goes without a length, so clients must read to the end.
  if (headers['transfer-encoding'] === undefined) headers['content-length'] ??= body.length;
  res.writeHead(a.status ?? 200, headers as Record<string, string | number | string[]>);
  const chunks = a.chunkDelayMs === undefined ? 1 : Math.max(1, a.chunks ?? 4);
  const size = Math.ceil(body.length / chunks);
  for (let i = 0; i < chunks - 1 && !res.destroyed; i++) {
    res.write(body.subarray(i * size, (i + 1) * size));
    await pause(a.chunkDelayMs ?? 0);
  }
  if (!res.destroyed) res.end(body.subarray((chunks - 1) * size));
}

/**
 * Starts a programmable HTTP server on 127.0.0.1 (a free port): routes answer with fixed replies,
 * scripted queues or handlers; faults (429 with Retry-After, 5xx, connection resets, hung and slow
 * responses) are replies like any other; every request is recorded with its arrival time, so tests
 * check from the server's side what arrived and when. Vendor fakes build on it.
 * @example
 * const server = await createFakeHttpServer();
 * server.route('GET', '/items', reply.json({ items: [] })).enqueue('GET', '/items', reply.status(503));
 * // ... exercise the client against `${server.url}/items` ...
 * expect(server.requestsTo('GET', '/items')).toHaveLength(2);
 * await server.close();
 */
export async function createFakeHttpServer(options: { fallback?: FakeHandler } = {}): Promise<FakeHttpServer> {
  const routes = new Map<string, Route>();
  const queues = new Map<string, FakeReply[]>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const fallback: FakeHandler = options.fallback ?? (() => reply.json({ error: 'no route' }, 404));

  const find = (method: string, path: string): { id: string; route?: Route } => {
    for (const id of [key(method, path), key('*', path), key(method, '*'), key('*', '*')]) {
      if (routes.has(id) || (queues.get(id)?.length ?? 0) > 0) return { id, route: routes.get(id) };
    }
    return { id: key(method, path) };
  };

  const server = createServer((req, res) => {
    const arrivedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = record(req, Buffer.concat(chunks), arrivedAt);
      requests.push(recorded);
      void respond(recorded, req, res);
    });
  });

  async function respond(recorded: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { id, route } = find(recorded.method, recorded.path);
    let count = 1;
    if (route !== undefined) count = ++route.count;
    let chosen: FakeReply;
    try {
      chosen = queues.get(id)?.shift() ?? (await (route?.handler ?? fallback)(recorded, { count }));
    } catch (err) {
      chosen = reply.json({ error: `fake handler failed: ${(err as Error).message}` }, 500);
    }
    if ('fault' in chosen) {
      if (chosen.fault === 'reset') req.socket.resetAndDestroy();
      return; // hang: the socket stays open until close()
    }
    await answer(res, chosen);
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const fake: FakeHttpServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    route(method, path, spec) {
      const handler: FakeHandler = typeof spec === 'function' ? spec : () => spec;
      routes.set(key(method, path), { handler, count: 0 });
      return fake;
    },
    enqueue(method, path, ...replies) {
      const id = key(method, path);
      queues.set(id, [...(queues.get(id) ?? []), ...replies]);
      if (!routes.has(id)) routes.set(id, { handler: fallback, count: 0 });
      return fake;
    },
    requestsTo: (method, path) => requests.filter((r) => r.method === method.toUpperCase() && r.path === path),
    reset() {
      routes.clear();
      queues.clear();
      requests.length = 0;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
  return fake;
}
