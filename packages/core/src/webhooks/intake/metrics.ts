import { Counter, Histogram, type Registry } from 'prom-client';
import type { WebhookMetrics, WebhookRejection } from './types.js';

/** Buckets of the intake latency histogram, in seconds: the target is a p99 under 50 ms. */
export const INTAKE_LATENCY_BUCKETS_SECONDS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The intake's metrics on the daemon's prom-client registry: `connectd_webhooks_received_total`,
 * `_verified_total`, `_rejected_total{reason}`, `_duplicates_total`, `_accepted_total` and
 * `connectd_webhook_intake_duration_seconds`, all labelled by connector. Labelled children are
 * cached per connector: these counters move on every request.
 * @example
 * const metrics = createWebhookMetrics(daemonMetrics.registry);
 * registerWebhookIntake(app, { metrics, ... });
 */
export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const counter = (name: string, help: string, labelNames: string[] = ['connector']): Counter<string> =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const received = counter('connectd_webhooks_received_total', 'Webhook requests received, by connector (_unknown for unconfigured names)');
  const verified = counter('connectd_webhooks_verified_total', 'Webhook requests whose signature was verified');
  const rejected = counter('connectd_webhooks_rejected_total', 'Webhook requests refused, by connector and reason', ['connector', 'reason']);
  const duplicates = counter('connectd_webhooks_duplicates_total', 'Verified deliveries whose dedupe key was stored before (answered 200, not stored again)');
  const accepted = counter('connectd_webhooks_accepted_total', 'Verified deliveries committed to the inbox');
  const latency = new Histogram({
    name: 'connectd_webhook_intake_duration_seconds',
    help: 'Time from a webhook request arriving to its answer',
    labelNames: ['connector'],
    buckets: [...INTAKE_LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  const cache = <T>(make: (connector: string) => T): ((connector: string) => T) => {
    const byConnector = new Map<string, T>();
    return (connector) => {
      let child = byConnector.get(connector);
      if (child === undefined) byConnector.set(connector, (child = make(connector)));
      return child;
    };
  };
  const receivedOf = cache((c) => received.labels(c));
  const verifiedOf = cache((c) => verified.labels(c));
  const duplicatesOf = cache((c) => duplicates.labels(c));
  const acceptedOf = cache((c) => accepted.labels(c));
  const latencyOf = cache((c) => latency.labels(c));
  return {
    received: (c) => receivedOf(c).inc(),
    verified: (c) => verifiedOf(c).inc(),
    rejected: (c, reason: WebhookRejection) => rejected.inc({ connector: c, reason }),
    duplicate: (c) => duplicatesOf(c).inc(),
    accepted: (c) => acceptedOf(c).inc(),
    intakeSeconds: (c, seconds) => latencyOf(c).observe(seconds),
  };
}
