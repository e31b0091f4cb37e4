import { createFakeHttpServer, reply, type FakeHttpServer, type FakeReply } from './fake-http-server.js';

/** The header a client may send to say who it is (a daemon's name); the log keeps it per request. */
export const DEFAULT_METERED_CLIENT_HEADER = 'x-client';

export interface FakeMeteredVendorOptions {
  /** The vendor's budget: a token bucket refilled at `ratePerSecond`, holding `burst` at most (full at start). */
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Collections served at `/<name>`, with their page counts. */
  readonly collections: Readonly<Record<string, number>>;
  /** Records per page. Default 10. */
  readonly pageSize?: number;
  /** Time a served page takes (a slow vendor: walks overlap in time). Default 0. */
  readonly pageDelayMs?: number;
  /** The bearer token requests must carry; null turns the check off. Default null. */
  readonly token?: string | null;
  /** Default {@link DEFAULT_METERED_CLIENT_HEADER}. */
  readonly clientHeader?: string;
}

/** One request as the metered fake saw it. */
export interface MeteredRequest {
  /** The collection (`/<name>`), or the path when it is none of them. */
  readonly collection: string;
  /** 0-based page asked for (the `cursor` query parameter). */
  readonly page: number;
  /** The client header's value; '' when absent. */
  readonly client: string;
  /** `Date.now()` at arrival and when the answer was sent. */
  readonly arrivedAt: number;
  answeredAt: number;
  /** 200 served; 429 over budget; the failure status while `failWith` is set; 401 without the token. */
  status: number;
  /** Requests of the same collection in flight when this one arrived (0 for a single walker). */
  readonly concurrent: number;
}

/** A fake vendor API with a rate budget; see {@link createFakeMeteredVendor}. */
export interface FakeMeteredVendor {
  readonly url: string;
  readonly server: FakeHttpServer;
  /** Every request, in order of arrival; `answeredAt` and `status` are final once answered. */
  readonly log: readonly MeteredRequest[];
  /** While set, every request is answered with this status (5xx: a failing vendor), outside the budget. */
  failWith: number | undefined;
  /** Records of one collection, as a full walk lands them. */
  records(collection: string): MeteredRecord[];
  close(): Promise<void>;
}

/** A record of a metered collection: a product as a shop API lists it. */
export interface MeteredRecord {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly price: string;
  readonly updated_at: string;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function recordsOf(collection: string, page: number, pageSize: number): MeteredRecord[] {
  return Array.from({ length: pageSize }, (_, i) => {
    const n = page * pageSize + i;
    return { id: `${collection}-${n}`, sku: `${collection.toUpperCase()}-${String(n).padStart(5, '0')}`, name: `${collection} ${n}`, price: (10 + (n % 97) / 100).toFixed(2), updated_at: new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString() };
  });
}

/**
 * Starts a fake vendor (real HTTP on 127.0.0.1) that meters requests with a token bucket, as
 * vendors enforce a rate budget: a request that finds the bucket empty gets 429 with Retry-After
 * and costs nothing. It serves paged collections (`GET /<name>?cursor=N` answers
 * `{ items, next_cursor }`, the cursor a page number) and logs every request with its arrival and
 * answer times, the client header and how many requests of the same collection were in flight, so
 * a test checks from the vendor's side what any window of time received and whether one
 * collection was walked twice at once. `failWith` turns it into a failing vendor (a breaker test).
 * @example
 * const vendor = await createFakeMeteredVendor({ ratePerSecond: 10, burst: 5, collections: { a: 20, b: 20 } });
 * // YAML: base_url: vendor.url; request: { path: /a, headers: { x-client: "${DAEMON}" } }; records: $.items
 * //       pagination: { type: cursor, path: $.next_cursor, param: cursor }
 * expect(maxInWindow(vendor.log, 1000)).toBeLessThanOrEqual(10 + 5);
 */
export async function createFakeMeteredVendor(options: FakeMeteredVendorOptions): Promise<FakeMeteredVendor> {
  const pageSize = options.pageSize ?? 10;
  const token = options.token ?? null;
  const clientHeader = (options.clientHeader ?? DEFAULT_METERED_CLIENT_HEADER).toLowerCase();
  const bucket = { tokens: options.burst, at: Date.now() };
  const inFlight = new Map<string, number>();
  const log: MeteredRequest[] = [];

  function takeToken(now: number): number | undefined {
    bucket.tokens = Math.min(options.burst, bucket.tokens + ((now - bucket.at) / 1000) * options.ratePerSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / options.ratePerSecond));
  }

  const server = await createFakeHttpServer({
    fallback: async (request) => {
      const collection = request.path.replace(/^\//, '');
      const pages = options.collections[collection];
      const page = Number(request.query.get('cursor') ?? '0');
      const client = request.headers[clientHeader];
      const entry: MeteredRequest = {
        collection,
        page,
        client: typeof client === 'string' ? client : '',
        arrivedAt: request.arrivedAt,
        answeredAt: request.arrivedAt,
        status: 200,
        concurrent: inFlight.get(collection) ?? 0,
      };
      log.push(entry);
      const settle = (status: number, answer: FakeReply): FakeReply => {
        entry.status = status;
        entry.answeredAt = Date.now();
        return answer;
      };
      if (pages === undefined || !Number.isInteger(page) || page < 0 || page >= pages) return settle(404, reply.json({ error: 'not found' }, 404));
      if (token !== null && request.headers.authorization !== `Bearer ${token}`) return settle(401, reply.json({ error: 'unauthorized' }, 401));
      if (vendor.failWith !== undefined) return settle(vendor.failWith, reply.json({ error: 'failing' }, vendor.failWith));
      const retryAfter = takeToken(Date.now());
      if (retryAfter !== undefined) return settle(429, reply.retryAfter(retryAfter));
      inFlight.set(collection, (inFlight.get(collection) ?? 0) + 1);
      try {
        if ((options.pageDelayMs ?? 0) > 0) await pause(options.pageDelayMs ?? 0);
      } finally {
        inFlight.set(collection, (inFlight.get(collection) ?? 1) - 1);
      }
      return settle(200, reply.json({ items: recordsOf(collection, page, pageSize), next_cursor: page + 1 < pages ? String(page + 1) : null }));
    },
  });

  const vendor: FakeMeteredVendor = {
    url: server.url,
    server,
    log,
    failWith: undefined,
    records: (collection) => Array.from({ length: options.collections[collection] ?? 0 }, (_, page) => recordsOf(collection, page, pageSize)).flat(),
    close: () => server.close(),
  };
  return vendor;
}

/**
 * The most requests that arrived within any `windowMs` (a window starts at each arrival), counting
 * those `include` keeps (default: all, refused ones too, since the budget is about what arrives).
 * @example
 * maxInWindow([{ arrivedAt: 0 }, { arrivedAt: 500 }, { arrivedAt: 1200 }], 1000); // 2
 */
export function maxInWindow<T extends Pick<MeteredRequest, 'arrivedAt'>>(log: readonly T[], windowMs: number, include: (entry: T) => boolean = () => true): number {
  const times = log.filter(include).map((entry) => entry.arrivedAt).sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; start < times.length; start++) {
    while (end < times.length && times[end]! < times[start]! + windowMs) end++;
    most = Math.max(most, end - start);
  }
  return most;
}
