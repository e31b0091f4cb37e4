/**
 * A connection client wired as a connection's runtime wires it (connections/runtime.ts): the
 * rate-limit adapter prices each request and keeps the limiter in step with the vendor's answers,
 * the classifier reads them. For plugin tests of adapters and classifiers against a loopback vendor.
 */
import type { ErrorClassifierRuntime, RateLimitAdapterRuntime } from '../connector/index.js';
import { createConnectionClient, createRateLimiter, type ConnectionClient, type RateLimitOptions, type RetryPolicy, type Sleep } from '../http/index.js';
import { createLogger } from '../log/index.js';

export interface TestClientOptions {
  /** Connection name in errors; default `test:acme`. */
  readonly name?: string;
  /** The connector's `rate_limit` in camelCase (`rate`, `burst`, `concurrency`). */
  readonly rateLimit?: RateLimitOptions;
  /** A `rate_limit.adapter` runtime (e.g. a plugin's, created with `definition.create(options, ctx)`). */
  readonly adapter?: RateLimitAdapterRuntime;
  /** An `error_classifier` runtime. */
  readonly classifier?: ErrorClassifierRuntime;
  readonly retry?: Partial<RetryPolicy>;
  /** Replaces the retry sleep (the limiter keeps real time). */
  readonly sleep?: Sleep;
}

/**
 * Creates the client; close it after the test.
 * @example
 * const adapter = shopifyGraphqlCost.create({}, ctx);
 * const client = createTestClient({ adapter, classifier: shopifyThrottled.create({}, ctx) });
 * await client.send({ method: 'POST', url: `${fake.url}/graphql.json`, body, idempotent: true });
 */
export function createTestClient(options: TestClientOptions = {}): ConnectionClient {
  return createConnectionClient({
    name: options.name ?? 'test:acme',
    log: createLogger({ level: 'silent' }),
    rateLimiter: createRateLimiter(options.rateLimit ?? {}, options.adapter),
    adapter: options.adapter,
    classifier: options.classifier,
    retry: options.retry,
    sleep: options.sleep,
  });
}
