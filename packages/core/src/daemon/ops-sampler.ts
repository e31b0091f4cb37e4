import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';
import type { Logger } from '../log/index.js';

/** How often the operations page's figures are sampled. */
export const OPS_SAMPLE_INTERVAL_MS = 10_000;
/** Samples kept: one hour at the default interval. */
export const OPS_SAMPLE_CAPACITY = 360;

/** What happened during one sampling interval (counts are differences between two readings). */
export interface OpsSample {
  /** Epoch ms of the reading that closes the interval. */
  readonly at: number;
  readonly accepted: number;
  readonly duplicates: number;
  /** Refused deliveries by reason. */
  readonly rejected: Readonly<Record<string, number>>;
  /** The interval's 99th percentile of intake latency (a histogram bucket's upper bound), null without deliveries. */
  readonly p99Ms: number | null;
  /** Deliveries waiting in the inbox at the reading. */
  readonly backlog: number;
  /** Records synced during the interval. */
  readonly syncedRecords: number;
}

/** One connection's vendor traffic since the daemon started, from the HTTP runtime's metrics. */
export interface ConnectionTraffic {
  readonly attempts: number;
  /** Attempts the vendor answered 429. */
  readonly throttled: number;
  /** Attempts that waited for a rate-limit token, and how long in all. */
  readonly rateWaits: number;
  readonly rateWaitSeconds: number;
}

export interface OpsSamplerOptions {
  readonly registry: Registry;
  /** Deliveries waiting in the inbox now. */
  backlog(): Promise<number>;
  /** A running total of records synced (any origin; only differences are used). */
  syncedRecords(): Promise<number>;
  readonly log: Logger;
  readonly intervalMs?: number;
  readonly capacity?: number;
  /** Epoch ms; default `Date.now`. */
  readonly now?: () => number;
}

interface Reading {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: Map<string, number>;
  /** Cumulative latency bucket counts by upper bound (seconds), summed over connectors. */
  readonly buckets: Map<number, number>;
  readonly syncedRecords: number;
}

type Values = ReadonlyArray<MetricValue<string> & { metricName?: string }>;

const sum = (values: Values | undefined, keep: (v: MetricValue<string> & { metricName?: string }) => boolean = () => true): number =>
  (values ?? []).filter(keep).reduce((n, v) => n + v.value, 0);

/** p99 of the observations between two cumulative histograms, as the upper bound of its bucket. */
function p99Of(before: ReadonlyMap<number, number> | undefined, after: ReadonlyMap<number, number>): number | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before?.get(Infinity) ?? 0);
  if (total <= 0) return null;
  for (const bound of bounds) {
    if ((after.get(bound) ?? 0) - (before?.get(bound) ?? 0) >= 0.99 * total) return bound === Infinity ? null : Math.round(bound * 1000 * 10) / 10;
  }
  return null;
}

/**
 * Samples the daemon's own prom-client registry (and two store figures) every ~10 s into a ring
 * buffer of the last hour, for the operations page's charts: no Prometheus needed. One per daemon,
 * started and stopped by the composition root; a failed reading is logged and skipped.
 * @example
 * const sampler = new OpsSampler({ registry, backlog: () => countInboxBacklog(db), syncedRecords: () => countSyncedRecords(db, started), log });
 * sampler.start(); sampler.samples(); await sampler.stop();
 */
export class OpsSampler {
  readonly #options: OpsSamplerOptions;
  readonly #samples: OpsSample[] = [];
  #last: Reading | undefined;
  #traffic = new Map<string, ConnectionTraffic>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: OpsSamplerOptions) {
    this.#options = options;
  }

  /** Takes a first reading now, then one per interval. */
  start(): void {
    if (this.#timer !== undefined) return;
    void this.sampleNow();
    this.#timer = setInterval(() => void this.sampleNow(), this.#options.intervalMs ?? OPS_SAMPLE_INTERVAL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** The samples of the last hour, oldest first. */
  samples(): readonly OpsSample[] {
    return [...this.#samples];
  }

  /** Vendor traffic per connection name at the last reading. */
  traffic(): ReadonlyMap<string, ConnectionTraffic> {
    return this.#traffic;
  }

  /** Reads the registry now (one reading at a time); the page calls it too, so it is never a full interval stale. */
  sampleNow(): Promise<void> {
    this.#running ??= this.#read()
      .catch((err: unknown) => this.#options.log.warn({ err }, 'could not sample the metrics for the operations page'))
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #read(): Promise<void> {
    const metrics = new Map((await this.#options.registry.getMetricsAsJSON()).map((m: MetricObjectWithValues<MetricValue<string>>) => [m.name, m.values as Values]));
    const rejected = new Map<string, number>();
    for (const v of metrics.get('connectd_webhooks_rejected_total') ?? []) {
      const reason = String(v.labels['reason'] ?? 'unknown');
      rejected.set(reason, (rejected.get(reason) ?? 0) + v.value);
    }
    const buckets = new Map<number, number>();
    for (const v of metrics.get('connectd_webhook_intake_duration_seconds') ?? []) {
      if (v.metricName !== 'connectd_webhook_intake_duration_seconds_bucket') continue;
      const le = v.labels['le'] === '+Inf' ? Infinity : Number(v.labels['le']);
      buckets.set(le, (buckets.get(le) ?? 0) + v.value);
    }
    const [backlog, syncedRecords] = await Promise.all([this.#options.backlog(), this.#options.syncedRecords()]);
    const reading: Reading = {
      accepted: sum(metrics.get('connectd_webhooks_accepted_total')),
      duplicates: sum(metrics.get('connectd_webhooks_duplicates_total')),
      rejected,
      buckets,
      syncedRecords,
    };
    this.#traffic = trafficOf(metrics);
    const before = this.#last;
    this.#last = reading;
    if (before === undefined) return;
    const delta = (a: number, b: number): number => Math.max(0, a - b);
    this.#samples.push({
      at: (this.#options.now ?? Date.now)(),
      accepted: delta(reading.accepted, before.accepted),
      duplicates: delta(reading.duplicates, before.duplicates),
      rejected: Object.fromEntries([...rejected].map(([reason, n]) => [reason, delta(n, before.rejected.get(reason) ?? 0)]).filter(([, n]) => (n as number) > 0)),
      p99Ms: p99Of(before.buckets, buckets),
      backlog,
      syncedRecords: delta(syncedRecords, before.syncedRecords),
    });
    const capacity = this.#options.capacity ?? OPS_SAMPLE_CAPACITY;
    if (this.#samples.length > capacity) this.#samples.splice(0, this.#samples.length - capacity);
  }
}

function trafficOf(metrics: ReadonlyMap<string, Values>): Map<string, ConnectionTraffic> {
  const traffic = new Map<string, { attempts: number; throttled: number; rateWaits: number; rateWaitSeconds: number }>();
  const of = (connection: unknown) => {
    const name = String(connection ?? '');
    let entry = traffic.get(name);
    if (entry === undefined) traffic.set(name, (entry = { attempts: 0, throttled: 0, rateWaits: 0, rateWaitSeconds: 0 }));
    return entry;
  };
  for (const v of metrics.get('connectd_http_attempts_total') ?? []) {
    const entry = of(v.labels['connection']);
    entry.attempts += v.value;
    if (v.labels['outcome'] === '429') entry.throttled += v.value;
  }
  for (const v of metrics.get('connectd_rate_limit_wait_seconds') ?? []) {
    if (v.metricName === 'connectd_rate_limit_wait_seconds_count') of(v.labels['connection']).rateWaits += v.value;
    if (v.metricName === 'connectd_rate_limit_wait_seconds_sum') of(v.labels['connection']).rateWaitSeconds += v.value;
  }
  return traffic;
}
