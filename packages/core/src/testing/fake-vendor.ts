import { createFakeHttpServer, reply, type FakeAnswer, type FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http-server.js';
import { servePage, type PagingOptions, type PagingProblem, type RecordSource } from './fake-vendor-paging.js';
import { webhookSender, type WebhookSender, type WebhookSigning } from './fake-vendor-webhooks.js';

/** What a route knows besides the request: its 1-based request count and the `{name}` segments of its path. */
export interface VendorRouteContext {
  readonly count: number;
  readonly params: Readonly<Record<string, string>>;
}

export type VendorHandler = (request: RecordedRequest, context: VendorRouteContext) => FakeReply | Promise<FakeReply>;

/** A scripted fault: any reply (`{ fault: 'reset' }`, `{ fault: 'hang' }`, `{ status: 503 }`), with `retryAfter` (seconds, or a date) as a shorthand. */
export type VendorFault = (FakeAnswer & { readonly retryAfter?: number | Date }) | { readonly fault: 'reset' } | { readonly fault: 'hang' };

/** How a request was answered, for fakes that keep their own request log. */
export interface VendorExchange {
  readonly request: RecordedRequest;
  /** The route that matched (`GET /orders/{id}`), null when none did. */
  readonly route: string | null;
  /** `fault`: a scripted fault; `intercept`: the `intercept` hook; `unauthorized`: `authorize` refused; `invalid`: the `validate` hook; `route`: the route's handler; `not_found`. */
  readonly stage: 'fault' | 'intercept' | 'unauthorized' | 'invalid' | 'route' | 'not_found';
  readonly reply: FakeReply;
}

export interface FakeVendorOptions {
  /**
   * Checked on every route but those added with `{ authorize: false }`; false answers 401
   * `{ error: 'unauthorized' }`, a reply answers with it. Default: everything is allowed.
   */
  readonly authorize?: (request: RecordedRequest) => boolean | FakeReply;
  /** Runs on every route after scripted faults and before `authorize` (e.g. seeded random faults); undefined serves normally. */
  readonly intercept?: (request: RecordedRequest) => FakeReply | undefined;
  /** Runs on every route after `authorize`, before the handler: checks made of authorized requests only (a bad parameter's 400); undefined serves. */
  readonly validate?: (request: RecordedRequest) => FakeReply | undefined;
  /** The last word on every answer, faults and 404s included (headers a vendor sends on all of them). */
  readonly finish?: (answer: FakeReply, request: RecordedRequest) => FakeReply;
  /** Extra wait before each route's answer (a slow vendor), in ms; faults are never delayed. */
  readonly delayMs?: (request: RecordedRequest) => number;
  /** The answer for a path no route matches. Default 404 `{ error: 'no route' }`. */
  readonly notFound?: (request: RecordedRequest) => FakeReply;
  /** The answer for a list request with a bad paging parameter. Default 400 `{ error, param }`. */
  readonly refusePaging?: (problem: PagingProblem, request: RecordedRequest) => FakeReply;
  /** Told of every answer, in order. */
  readonly observe?: (exchange: VendorExchange) => void;
}

/** Options of a route. */
export interface VendorRouteOptions {
  /** false: served without the `authorize` check (an OAuth token endpoint, which authenticates by its body). Default true. */
  readonly authorize?: boolean;
}

/** Options of a collection route: its paging, and the method it answers (default GET). */
export type RecordsRouteOptions<T> = PagingOptions<T> & VendorRouteOptions & { readonly method?: string };

/** What a collection route serves: the records in order, or a source answering slices. */
export type Listed<T> = readonly T[] | RecordSource<T>;

/** A fake REST vendor; see {@link createFakeVendor}. */
export interface FakeVendor {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly server: FakeHttpServer;
  /** Every request that arrived, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Answers `method` (`*` for any) on `path`: exact, with `{name}` segments, or ending in `/*`. Routes match in the order added, exact ones first. */
  route(method: string, path: string, handler: FakeReply | VendorHandler, options?: VendorRouteOptions): FakeVendor;
  /** Serves a collection (records or a source of them, or a function of the request giving either) with a paging style. */
  records<T>(path: string, records: Listed<T> | ((request: RecordedRequest) => Listed<T>), options: RecordsRouteOptions<T>): FakeVendor;
  /**
   * The next requests to `pathOrRoute` get these faults in order (the list `times` times), before
   * authorization; then normal service resumes. `pathOrRoute` is matched against each routed
   * request, with or without a method, as route paths are: `/items`, `GET /items`,
   * `/orders/{id}`, `/api/*` (every route under `/api`), or `*` (any route). A request takes
   * from the queue naming its method first, then one naming only a path, then `*`.
   */
  fail(pathOrRoute: string, faults: readonly VendorFault[], options?: { readonly times?: number }): FakeVendor;
  /** A sender of deliveries signed as this vendor signs them. */
  webhooks(signing: WebhookSigning): WebhookSender;
  close(): Promise<void>;
}

interface Route {
  readonly method: string;
  readonly path: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly handler: VendorHandler;
  readonly authorize: boolean;
  count: number;
}

/** The scripted faults queued for one `fail` target. */
interface FaultQueue {
  readonly method: string;
  /** undefined for `*`: any route. */
  readonly pattern: RegExp | undefined;
  readonly replies: FakeReply[];
}

const rankOf = (queue: FaultQueue): number => (queue.method !== '*' ? 0 : queue.pattern === undefined ? 2 : 1);

const safeDecode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

function compilePath(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const escaped = path.split('/').map((segment, i, all) => {
    if (segment === '*' && i === all.length - 1) return '.*';
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (name !== undefined) {
      names.push(name);
      return '([^/]+)';
    }
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return { pattern: new RegExp(`^${escaped.join('/')}$`), names };
}

/** A scripted fault as given (a bodiless one stays bodiless: vendors' 5xx often are), `retryAfter` as its header. */
function faultReply(fault: VendorFault): FakeReply {
  if ('fault' in fault) return fault;
  const { retryAfter, ...answer } = fault;
  if (retryAfter === undefined) return answer;
  const after = typeof retryAfter === 'number' ? String(retryAfter) : retryAfter.toUTCString();
  return { ...answer, headers: { ...answer.headers, 'retry-after': after } };
}

/**
 * Starts a fake REST vendor on 127.0.0.1 (a free port, real HTTP) built on
 * {@link createFakeHttpServer}: routes and paged collections in a few lines, an authorization
 * check on every route but open ones, scripted faults per route or group of routes (429 with
 * Retry-After, 5xx, resets, hangs), and a signed webhook sender. A request meets, in order: its
 * route (else `notFound`), a scripted fault, `intercept`, `authorize`, `validate`, the handler;
 * `finish` then shapes the answer and `observe` hears of it. Plugin authors fake their vendor
 * with it; storq's, Square's and Shopify's fakes are built on it.
 * @example
 * const vendor = await createFakeVendor({ authorize: (r) => r.headers.authorization === 'Bearer t' });
 * vendor.records('/items', items, { paging: 'offset', recordsKey: 'items', hasMoreKey: 'hasMore', maxPageSize: 1000 });
 * vendor.route('POST', '/oauth/token', (request) => issueToken(request), { authorize: false });
 * vendor.fail('GET /items', [{ status: 429, retryAfter: 1 }, { status: 503 }, { fault: 'reset' }]);
 * const hooks = vendor.webhooks({ secret: 'whsec', header: 'X-Signature', encoding: 'base64' });
 * await hooks.send(`${daemon}/webhooks/acme`, { id: 'e1', kind: 'item.changed' });
 * await vendor.close();
 */
export async function createFakeVendor(options: FakeVendorOptions = {}): Promise<FakeVendor> {
  const routes: Route[] = [];
  const faults = new Map<string, FaultQueue>();
  const server = await createFakeHttpServer({ fallback: (request) => dispatch(request) });
  const notFound = options.notFound ?? (() => reply.json({ error: 'no route' }, 404));
  const refusePaging = options.refusePaging ?? ((problem: PagingProblem) => reply.json({ error: problem.message, param: problem.param }, 400));

  const match = (request: RecordedRequest): { route: Route; params: Record<string, string> } | undefined => {
    const candidates = [...routes.filter((r) => r.names.length === 0 && !r.path.endsWith('*')), ...routes];
    for (const route of candidates) {
      if (route.method !== '*' && route.method !== request.method) continue;
      const found = route.pattern.exec(request.path);
      if (found !== null) return { route, params: Object.fromEntries(route.names.map((name, i) => [name, safeDecode(found[i + 1]!)])) };
    }
    return undefined;
  };

  const takeFault = (request: RecordedRequest): FakeReply | undefined => {
    const aimed = (queue: FaultQueue): boolean =>
      queue.replies.length > 0 && (queue.method === '*' || queue.method === request.method) && (queue.pattern?.test(request.path) ?? true);
    // A stable sort: queues of one rank answer in the order they were first named.
    return [...faults.values()].filter(aimed).sort((a, b) => rankOf(a) - rankOf(b))[0]?.replies.shift();
  };

  async function dispatch(request: RecordedRequest): Promise<FakeReply> {
    const answered = (stage: VendorExchange['stage'], route: Route | undefined, given: FakeReply): FakeReply => {
      const answer = options.finish?.(given, request) ?? given;
      options.observe?.({ request, route: route === undefined ? null : `${route.method} ${route.path}`, stage, reply: answer });
      return answer;
    };
    const found = match(request);
    if (found === undefined) return answered('not_found', undefined, notFound(request));
    const { route, params } = found;
    route.count += 1;
    const fault = takeFault(request);
    if (fault !== undefined) return answered('fault', route, fault);
    const intercepted = options.intercept?.(request);
    if (intercepted !== undefined) return answered('intercept', route, intercepted);
    const allowed = route.authorize ? (options.authorize?.(request) ?? true) : true;
    if (allowed !== true) return answered('unauthorized', route, allowed === false ? reply.json({ error: 'unauthorized' }, 401) : allowed);
    const invalid = options.validate?.(request);
    if (invalid !== undefined) return answered('invalid', route, invalid);
    const answer = await route.handler(request, { count: route.count, params });
    const delayMs = 'fault' in answer ? 0 : (options.delayMs?.(request) ?? 0);
    return answered('route', route, delayMs > 0 && !('fault' in answer) ? { ...answer, delayMs: (answer.delayMs ?? 0) + delayMs } : answer);
  }

  const vendor: FakeVendor = {
    url: server.url,
    server,
    requests: server.requests,
    route(method, path, handler, routeOptions = {}) {
      const { pattern, names } = compilePath(path);
      const serve = typeof handler === 'function' ? handler : () => handler;
      routes.push({ method: method.toUpperCase(), path, pattern, names, handler: serve, authorize: routeOptions.authorize ?? true, count: 0 });
      return vendor;
    },
    records(path, records, recordsOptions) {
      const list = typeof records === 'function' ? records : () => records;
      const serve: VendorHandler = (request) => servePage(list(request), request, recordsOptions, server.url, (problem) => refusePaging(problem, request));
      return vendor.route(recordsOptions.method ?? 'GET', path, serve, recordsOptions.authorize === undefined ? {} : { authorize: recordsOptions.authorize });
    },
    fail(pathOrRoute, list, failOptions = {}) {
      const [, method = '*', path = '*'] = /^(?:([A-Za-z*]+) )?(\S+)$/.exec(pathOrRoute.trim()) ?? [];
      const key = `${method.toUpperCase()} ${path}`;
      const queue = faults.get(key) ?? { method: method.toUpperCase(), pattern: path === '*' ? undefined : compilePath(path).pattern, replies: [] };
      faults.set(key, queue);
      for (let i = 0; i < (failOptions.times ?? 1); i++) queue.replies.push(...list.map(faultReply));
      return vendor;
    },
    webhooks: (signing) => webhookSender(signing),
    close: () => server.close(),
  };
  return vendor;
}
