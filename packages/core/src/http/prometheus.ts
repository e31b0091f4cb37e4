import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState, HttpMetrics } from './types.js';

/** Gauge value of each breaker state, so a dashboard can alert on `connectd_breaker_state > 0`. */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, half_open: 1, open: 2 };

/**
 * The HTTP runtime's metrics on the daemon's registry: attempts by outcome, attempt durations,
 * rate-limit waits, and each connection's breaker state and transitions.
 */
export function createHttpMetrics(registry: Registry): HttpMetrics & { breakerStates(): ReadonlyMap<string, BreakerState> } {
  const attempts = new Counter({
    name: 'connectd_http_attempts_total',
    help: 'Vendor HTTP attempts by connection, method and outcome (status code or error code)',
    labelNames: ['connection', 'method', 'outcome'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'connectd_http_attempt_duration_seconds',
    help: 'Duration of vendor HTTP attempts',
    labelNames: ['connection'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const waits = new Histogram({
    name: 'connectd_rate_limit_wait_seconds',
    help: 'Time attempts waited for a rate-limit token',
    labelNames: ['connection'],
    buckets: [0, 0.01, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const breaker = new Gauge({
    name: 'connectd_breaker_state',
    help: 'Circuit breaker state per connection: 0 closed, 1 half open, 2 open',
    labelNames: ['connection'],
    registers: [registry],
  });
  const transitions = new Counter({
    name: 'connectd_breaker_transitions_total',
    help: 'Circuit breaker state changes per connection and new state',
    labelNames: ['connection', 'state'],
    registers: [registry],
  });
  const states = new Map<string, BreakerState>();
  return {
    attempt(event) {
      attempts.inc({ connection: event.connection, method: event.method, outcome: event.status === undefined ? (event.error ?? 'error') : String(event.status) });
      durations.observe({ connection: event.connection }, event.durationMs / 1000);
    },
    breakerState(event) {
      const previous = states.get(event.connection);
      states.set(event.connection, event.state);
      breaker.set({ connection: event.connection }, BREAKER_STATE_VALUE[event.state]);
      if (previous !== undefined && previous !== event.state) transitions.inc({ connection: event.connection, state: event.state });
    },
    rateLimitWait(event) {
      waits.observe({ connection: event.connection }, event.waitedMs / 1000);
    },
    breakerStates: () => states,
  };
}
