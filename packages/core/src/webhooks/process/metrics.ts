import { Counter, Histogram, type Registry } from 'prom-client';
import type { WebhookProcessingMetrics } from './types.js';

/** Buckets of the processing latency (intake commit → processed), in seconds. */
export const PROCESSING_LATENCY_BUCKETS_SECONDS: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * Processing metrics on the daemon's registry: `connectd_webhooks_processed_total{connector,outcome}`
 * (processed, ignored, dead, retry), `connectd_webhooks_dead_lettered_total{connector,reason}` and
 * the histogram `connectd_webhook_processing_duration_seconds` (intake commit → processed).
 * @example
 * const metrics = createProcessingMetrics(daemonMetrics.registry);
 */
export function createProcessingMetrics(registry: Registry): WebhookProcessingMetrics {
  const processed = new Counter({
    name: 'connectd_webhooks_processed_total',
    help: 'Webhook events that left processing, by connector and outcome (processed, ignored, dead, retry)',
    labelNames: ['connector', 'outcome'],
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'connectd_webhooks_dead_lettered_total',
    help: 'Webhook events or records dead-lettered by processing, by connector and reason',
    labelNames: ['connector', 'reason'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'connectd_webhook_processing_duration_seconds',
    help: 'Time from a webhook being committed to the inbox to its event being processed',
    buckets: [...PROCESSING_LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  return {
    settled: (connector, outcome, count) => processed.inc({ connector, outcome }, count),
    deadLettered: (connector, reason, count) => deadLettered.inc({ connector, reason }, count),
    observeLatency: (seconds) => latency.observe(seconds),
  };
}
