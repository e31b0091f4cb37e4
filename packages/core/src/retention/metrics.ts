import { Counter, type Registry } from 'prom-client';
import { RETENTION_TABLES, type RetentionMetrics } from './types.js';

/**
 * Retention's metrics on the daemon's registry: `connectd_retention_deleted_total{table}` (rows
 * deleted, counted batch by batch) and `connectd_retention_passes_total{outcome}` (completed,
 * stopped, skipped because another daemon ran one, failed). Every table starts at 0.
 * @example
 * const metrics = createRetentionMetrics(daemonMetrics.registry);
 */
export function createRetentionMetrics(registry: Registry): RetentionMetrics {
  const deleted = new Counter({
    name: 'connectd_retention_deleted_total',
    help: 'Rows deleted by retention passes, by engine table',
    labelNames: ['table'],
    registers: [registry],
  });
  const passes = new Counter({
    name: 'connectd_retention_passes_total',
    help: 'Retention passes by outcome (completed, stopped at shutdown, skipped while another daemon ran one, failed)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const table of RETENTION_TABLES) deleted.inc({ table }, 0);
  return {
    deleted: (table, count) => deleted.inc({ table }, count),
    pass: (outcome) => passes.inc({ outcome }),
  };
}
