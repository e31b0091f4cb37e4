import type { ErrorClassifierRuntime, OutgoingRequest } from '../connector/index.js';
import {
  HTTP_ABORTED,
  HTTP_BODY_TOO_LARGE,
  HTTP_CLIENT_CLOSED,
  HTTP_INVALID_URL,
  HTTP_REQUEST_FAILED,
  HTTP_RETRIES_EXHAUSTED,
  HTTP_RETRY_AFTER_TOO_LONG,
  isConnectdError,
} from '../errors/index.js';
import type { Breaker, ConnectionBreakerOptions } from './breaker.js';
import { DispatcherSource } from './lazy-agent.js';
import { DEFAULT_BODY_LIMIT_BYTES, resolveBreakerPolicy, resolveRetryPolicy, resolveTimeouts, type RetryPolicy, type Timeouts } from './policies.js';
import { reportBudget, type RateLimitPermit } from './rate-limiter.js';
import { createUrlRedactor } from '../log/index.js';
import { createRequestLog, type RequestLog } from './request-log.js';
import { BufferedResponse, toReceivedPage } from './response.js';
import { responseVerdict } from './response-verdict.js';
import { decideRetry, mayRetry, transportErrorCode, type AttemptVerdict } from './retry.js';
import { sleep as realSleep, type Sleep } from './sleep.js';
import { createBreaker } from './shared-breaker.js';
import { sendOnce } from './transport.js';
import type { BreakerState, ConnectionClient, ConnectionClientOptions, ConnectionClientStats, HttpRequest, HttpResponse } from './types.js';

/*
 * How a call is composed, outermost first (the one place this order is written down):
 *
 *   breaker ─► retry loop ─► per attempt: rate limit ─► auth ─► log ─► undici
 *
 * - The breaker wraps the whole retried call: one outcome per call, and while it is open the call
 *   fails fast with CONNECTD_ERR_HTTP_BREAKER_OPEN before taking a token or sending anything. The
 *   half-open probe is held to a single attempt.
 * - Every attempt, retries and the 401 refresh retry included, takes a rate-limit token and is
 *   authorised afresh, so the bucket bounds what reaches the vendor and a refreshed token is used.
 *   The token is taken before authorising (docs/architecture.md lists auth first; the effect is the same, but
 *   this way a signature or short-lived token is made right before sending, not before a wait).
 *   A rate-limit adapter prices the attempt (`costOf`) before the wait and reads the vendor's
 *   budget from its answer, which the permit hears before it is released.
 * - Each attempt writes one request-log line once its outcome and any retry delay are known.
 */

interface Attempt {
  readonly outgoing: OutgoingRequest;
  readonly response?: BufferedResponse;
  readonly error?: unknown;
  readonly durationMs: number;
  readonly waitedMs: number;
  /** Held until the answer is classified, so the limiter hears the vendor's budget first. */
  readonly permit: RateLimitPermit;
}

const NO_PERMIT: RateLimitPermit = { waitedMs: 0 };
const THREW_VERDICT: AttemptVerdict = { kind: 'retry', threw: true };
const ABSOLUTE_URL = /^https?:\/\/[^/?#]/i;

const isFailedError = (err: unknown): boolean =>
  isConnectdError(err) &&
  (err.code === HTTP_RETRIES_EXHAUSTED.code || err.code === HTTP_RETRY_AFTER_TOO_LONG.code || err.code === HTTP_REQUEST_FAILED.code);

class Client implements ConnectionClient {
  readonly name: string;
  readonly #dispatchers: DispatcherSource;
  readonly #timeouts: Timeouts;
  readonly #retry: RetryPolicy;
  readonly #breaker: Breaker<HttpResponse>;
  readonly #options: ConnectionClientOptions;
  readonly #redact: (url: string) => string;
  readonly #logAttempt: RequestLog;
  readonly #bodyLimitBytes: number;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #now: () => number;
  #closed = false;
  #calls = 0;
  #attempts = 0;
  #inFlight = 0;

  constructor(options: ConnectionClientOptions) {
    this.name = options.name;
    this.#options = options;
    this.#timeouts = resolveTimeouts(options.timeouts);
    this.#retry = resolveRetryPolicy(options.retry);
    const { connectMs, headersMs, bodyMs } = this.#timeouts;
    this.#dispatchers = new DispatcherSource(options.dispatcher, { connect: { timeout: connectMs }, headersTimeout: headersMs, bodyTimeout: bodyMs });
    this.#redact = createUrlRedactor(options.redact);
    this.#logAttempt = createRequestLog(options.log, options.name, this.#redact);
    this.#bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    const breaker: ConnectionBreakerOptions<HttpResponse> = {
      connection: options.name,
      policy: resolveBreakerPolicy(options.breaker),
      log: options.log,
      metrics: options.metrics,
      isFailedError,
      isFailedResult: (res) => res.status >= 500 || res.status === 429,
    };
    // Several daemons on one database share the breaker's state (docs/architecture.md, "Shared rate budget and breaker").
    const attemptMs = this.#timeouts.connectMs + this.#timeouts.headersMs + this.#timeouts.bodyMs;
    this.#breaker = createBreaker(breaker, options.sharedBreaker, attemptMs);
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    if (this.#closed) throw HTTP_CLIENT_CLOSED({ connection: this.name });
    if (!ABSOLUTE_URL.test(request.url)) throw HTTP_INVALID_URL({ url: this.#redact(request.url) });
    if (request.signal?.aborted) throw this.#aborted(request, request.signal.reason);
    this.#calls++;
    return this.#breaker.execute((probe) => this.#call(request, probe));
  }

  async #call(request: HttpRequest, probe: boolean): Promise<HttpResponse> {
    const method = request.method.toUpperCase();
    const { idempotencyKey, signal } = request;
    let headers = withDefaultHeaders(this.#options.defaultHeaders, request.headers);
    if (idempotencyKey !== undefined && request.idempotencyHeader !== null) {
      headers = { ...headers, [request.idempotencyHeader ?? 'Idempotency-Key']: idempotencyKey };
    }
    const base: OutgoingRequest = { method, url: request.url, headers, body: request.body };
    const retryable = mayRetry(method, idempotencyKey, request.idempotent);
    const classifier = request.classifier ?? this.#options.classifier;
    const maxAttempts = probe ? 1 : this.#retry.maxAttempts;
    const canRefresh = this.#options.auth?.refresh !== undefined;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const result = await this.#attempt(base, signal);
      const { outgoing, response, error } = result;
      const { durationMs, waitedMs } = result;
      let verdict: AttemptVerdict;
      let errorCode: string | undefined;
      try {
        if (response === undefined) {
          errorCode = signal?.aborted ? 'ABORTED' : transportErrorCode(error);
          this.#metric(method, attempt, durationMs, undefined, errorCode ?? codeOf(error));
          if (errorCode === undefined || errorCode === 'ABORTED') {
            this.#logAttempt({ method, url: outgoing.url, attempt, error: errorCode ?? codeOf(error), durationMs, waitedMs });
            throw signal?.aborted ? this.#aborted(request, error) : error;
          }
          verdict = THREW_VERDICT;
        } else {
          this.#metric(method, attempt, durationMs, response.status, undefined);
          verdict = this.#classify(outgoing, response, result.permit, classifier);
        }
      } finally {
        result.permit.release?.();
      }
      // The refresh retry does not count against maxAttempts: it repairs credentials, not the vendor.
      const state = { attempts: refreshed ? attempt - 1 : attempt, maxAttempts, retryable, canRefresh, refreshed };
      const decision = decideRetry(verdict, state, this.#retry, this.#random);
      const retryInMs = decision.action === 'retry' ? decision.delayMs : decision.action === 'refresh' ? 0 : undefined;
      this.#logAttempt({ method, url: outgoing.url, attempt, status: response?.status, error: errorCode, durationMs, waitedMs, retryInMs });
      switch (decision.action) {
        case 'return':
          return response as BufferedResponse;
        case 'refresh':
          refreshed = true;
          await this.#options.auth?.refresh?.(outgoing);
          continue;
        case 'retry':
          if (verdict.kind === 'rate-limited' && verdict.retryAfterMs !== undefined) this.#options.rateLimiter?.holdOff?.(verdict.retryAfterMs);
          try {
            await this.#sleep(decision.delayMs, signal);
          } catch (err) {
            throw this.#aborted(request, err);
          }
          // A breaker another daemon opened meanwhile ends the retries here.
          await this.#breaker.beforeRetry?.();
          continue;
        case 'fail': {
          const url = this.#redact(request.url);
          const who = { connection: this.name, method, url };
          if (decision.reason === 'retry_after_too_long') {
            throw HTTP_RETRY_AFTER_TOO_LONG({ ...who, waitMs: verdict.retryAfterMs ?? 0, maxWaitMs: this.#retry.maxWaitMs });
          }
          if (decision.reason === 'not_retryable') throw HTTP_REQUEST_FAILED({ ...who, reason: errorCode ?? 'error' }, { cause: error });
          const status = response?.status;
          const reason = errorCode ?? (verdict.kind === 'rate-limited' ? 'rate limited' : `status ${status}`);
          throw HTTP_RETRIES_EXHAUSTED({ ...who, attempts: attempt, status, reason }, { cause: error });
        }
      }
    }
  }

  /** One attempt: a rate-limit permit for its cost, fresh authorisation, the exchange. The caller releases the permit. */
  async #attempt(base: OutgoingRequest, signal: AbortSignal | undefined): Promise<Attempt> {
    // Before the permit: a request granted its slot, then held up while the first one makes the
    // agent, would reach the vendor in a clump with the next ones, above the vendor's rate.
    const dispatcher = await this.#dispatchers.get();
    const limiter = this.#options.rateLimiter;
    let permit = NO_PERMIT;
    if (limiter !== undefined) {
      try {
        permit = await limiter.acquire(signal, this.#options.adapter?.costOf?.(base));
      } catch (error) {
        return { outgoing: base, error, durationMs: 0, waitedMs: 0, permit };
      }
      this.#options.metrics?.rateLimitWait({ connection: this.name, waitedMs: permit.waitedMs });
    }
    this.#attempts++;
    this.#inFlight++;
    const start = performance.now();
    let outgoing = base;
    try {
      const auth = this.#options.auth;
      if (auth !== undefined) outgoing = await auth.authorize(base);
      const raw = await sendOnce(dispatcher, outgoing, {
        headersTimeoutMs: this.#timeouts.headersMs,
        bodyTimeoutMs: this.#timeouts.bodyMs,
        bodyLimitBytes: this.#bodyLimitBytes,
        signal,
        tooLarge: () =>
          HTTP_BODY_TOO_LARGE({ connection: this.name, method: base.method, url: this.#redact(base.url), limitBytes: this.#bodyLimitBytes }),
      });
      const response = new BufferedResponse(raw.status, raw.headers, raw.body, () => this.#redact(outgoing.url));
      return { outgoing, response, durationMs: performance.now() - start, waitedMs: permit.waitedMs, permit };
    } catch (error) {
      return { outgoing, error, durationMs: performance.now() - start, waitedMs: permit.waitedMs, permit };
    } finally {
      this.#inFlight--;
    }
  }

  /** The adapter's reading of the vendor's budget goes to the limiter; then the verdict with the request's classifier (response-verdict.ts). */
  #classify(outgoing: OutgoingRequest, response: BufferedResponse, permit: RateLimitPermit, classifier: ErrorClassifierRuntime | undefined): AttemptVerdict {
    const { adapter, rateLimiter } = this.#options;
    const page = classifier !== undefined || adapter !== undefined ? toReceivedPage(outgoing, response) : undefined;
    if (adapter !== undefined && page !== undefined) reportBudget(rateLimiter, permit, adapter.observe(page));
    return responseVerdict(response, page, classifier, this.#retry, this.#now());
  }

  #metric(method: string, attempt: number, durationMs: number, status: number | undefined, error: string | undefined): void {
    this.#options.metrics?.attempt({ connection: this.name, method, status, error, durationMs, attempt });
  }

  #aborted(request: HttpRequest, cause: unknown): Error {
    if (isConnectdError(cause)) return cause;
    return HTTP_ABORTED({ connection: this.name, method: request.method.toUpperCase(), url: this.#redact(request.url) }, { cause });
  }

  breakerState(): BreakerState {
    return this.#breaker.state;
  }

  stats(): ConnectionClientStats {
    const probeAt = this.#breaker.probeAt;
    return {
      connection: this.name,
      breaker: this.#breaker.state,
      probeAt: probeAt === undefined ? undefined : new Date(probeAt).toISOString(),
      calls: this.#calls,
      attempts: this.#attempts,
      inFlight: this.#inFlight,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#dispatchers.close();
  }
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

/**
 * Creates the HTTP runtime of one connection. Create one per connection in the composition root,
 * with that connection's rate limiter, and share it by every stream and action of the connection.
 * @example
 * const client = createConnectionClient({
 *   name: 'storq:acme',
 *   log,
 *   auth: bearerRuntime,
 *   rateLimiter: createRateLimiter({ rate: '10/s', burst: 20 }),
 *   retry: { maxAttempts: 5 },
 *   breaker: { failureThreshold: 5, cooldownMs: 30_000 },
 * });
 * const res = await client.send({ method: 'GET', url: 'https://storq.io/api/v1/stock?page=1' });
 * const stock = res.json<{ stock: unknown[] }>();
 */
export function createConnectionClient(options: ConnectionClientOptions): ConnectionClient {
  return new Client(options);
}

/** The connector's default headers under the request's own: names compare case-insensitively. */
function withDefaultHeaders(
  defaults: Readonly<Record<string, string>> | undefined,
  own: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> {
  if (defaults === undefined) return own ?? {};
  const taken = new Set(Object.keys(own ?? {}).map((name) => name.toLowerCase()));
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(defaults)) if (!taken.has(name.toLowerCase())) merged[name] = value;
  return { ...merged, ...own };
}
