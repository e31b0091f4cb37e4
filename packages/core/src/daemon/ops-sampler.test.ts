import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import { OpsSampler } from './ops-sampler.js';

const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

function registry() {
  const registry = new Registry();
  const accepted = new Counter({ name: 'connectd_webhooks_accepted_total', help: 'h', labelNames: ['connector'], registers: [registry] });
  const rejected = new Counter({ name: 'connectd_webhooks_rejected_total', help: 'h', labelNames: ['connector', 'reason'], registers: [registry] });
  const latency = new Histogram({ name: 'connectd_webhook_intake_duration_seconds', help: 'h', labelNames: ['connector'], buckets: [0.005, 0.05, 0.5], registers: [registry] });
  const attempts = new Counter({ name: 'connectd_http_attempts_total', help: 'h', labelNames: ['connection', 'method', 'outcome'], registers: [registry] });
  return { registry, accepted, rejected, latency, attempts };
}

describe('OpsSampler', () => {
  it('records what changed between two readings: counts, rejections by reason, p99, backlog and records synced', async () => {
    const m = registry();
    let synced = 100;
    let clock = 0;
    const sampler = new OpsSampler({ registry: m.registry, backlog: async () => 3, syncedRecords: async () => synced, log: silent, now: () => clock });
    m.accepted.inc({ connector: 'shop' }, 5);
    await sampler.sampleNow();
    expect(sampler.samples()).toEqual([]);
    m.accepted.inc({ connector: 'shop' }, 2);
    m.accepted.inc({ connector: 'storq' }, 1);
    m.rejected.inc({ connector: 'shop', reason: 'signature' }, 4);
    for (let i = 0; i < 99; i++) m.latency.observe({ connector: 'shop' }, 0.001);
    m.latency.observe({ connector: 'shop' }, 0.3);
    m.attempts.inc({ connection: 'shop:shop', method: 'GET', outcome: '429' }, 2);
    m.attempts.inc({ connection: 'shop:shop', method: 'GET', outcome: '200' }, 8);
    synced = 140;
    clock = 10_000;
    await sampler.sampleNow();
    expect(sampler.samples()).toEqual([{ at: 10_000, accepted: 3, duplicates: 0, rejected: { signature: 4 }, p99Ms: 5, backlog: 3, syncedRecords: 40 }]);
    expect(sampler.traffic().get('shop:shop')).toEqual({ attempts: 10, throttled: 2, rateWaits: 0, rateWaitSeconds: 0 });
  });

  it('keeps the last `capacity` samples only', async () => {
    const m = registry();
    const sampler = new OpsSampler({ registry: m.registry, backlog: async () => 0, syncedRecords: async () => 0, log: silent, capacity: 3 });
    for (let i = 0; i < 6; i++) {
      m.accepted.inc({ connector: 'shop' }, i);
      await sampler.sampleNow();
    }
    expect(sampler.samples().map((s) => s.accepted)).toEqual([3, 4, 5]);
  });
});
