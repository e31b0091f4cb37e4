import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The process's metrics: its own prom-client registry (never the library's global one). */
export interface DaemonMetrics {
  readonly registry: Registry;
  readonly connectors: Gauge<'state'>;
  readonly ready: Gauge;
}

/**
 * Creates the registry with Node's default metrics and connectd's own gauges.
 * @example
 * const metrics = createMetrics('0.1.0'); await metrics.registry.metrics();
 */
export function createMetrics(version: string): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const info = new Gauge({ name: 'connectd_info', help: 'connectd build information', labelNames: ['version'], registers: [registry] });
  info.set({ version }, 1);
  const connectors = new Gauge({
    name: 'connectd_connectors',
    help: 'Configured connectors by state (active, or idle because env variables are missing)',
    labelNames: ['state'],
    registers: [registry],
  });
  const ready = new Gauge({ name: 'connectd_ready', help: '1 when the store is reachable and migrated', registers: [registry] });
  return { registry, connectors, ready };
}
