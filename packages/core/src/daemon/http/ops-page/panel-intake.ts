import type { OpsSample } from '../../ops-sampler.js';
import { sparkline, type ChartPoint } from './chart.js';
import type { RenderContext } from './context.js';
import { esc } from './html.js';

const series = (samples: readonly OpsSample[], value: (s: OpsSample) => number | null): ChartPoint[] => samples.map((s) => ({ at: s.at, value: value(s) }));
const rejectedOf = (s: OpsSample): number => Object.values(s.rejected).reduce((n, v) => n + v, 0);

/**
 * Webhook intake and sync throughput over the last hour, from the daemon's own samples: accepted,
 * duplicates, rejected (with the hour's reasons), p99 latency, inbox backlog, records synced.
 * @example
 * intakePanel(context);
 */
export function intakePanel(context: RenderContext): string {
  const samples = context.deps.samples();
  const nowMs = context.nowMs;
  const reasons = new Map<string, number>();
  for (const s of samples) for (const [reason, n] of Object.entries(s.rejected)) reasons.set(reason, (reasons.get(reason) ?? 0) + n);
  const byReason =
    reasons.size === 0
      ? '<p class="muted">No webhook was rejected in the last hour.</p>'
      : `<ul class="reasons">${[...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `<li><code>${esc(reason)}</code> ${esc(n)}</li>`).join('')}</ul>`;
  const charts = [
    sparkline({ id: 'chart-accepted', title: 'Accepted / 10 s', unit: '', points: series(samples, (s) => s.accepted), nowMs }),
    sparkline({ id: 'chart-duplicates', title: 'Duplicates / 10 s', unit: '', points: series(samples, (s) => s.duplicates), nowMs }),
    sparkline({ id: 'chart-rejected', title: 'Rejected / 10 s', unit: '', points: series(samples, rejectedOf), nowMs }),
    sparkline({ id: 'chart-p99', title: 'Intake p99', unit: ' ms', points: series(samples, (s) => s.p99Ms), nowMs }),
    sparkline({ id: 'chart-backlog', title: 'Inbox backlog', unit: '', points: series(samples, (s) => s.backlog), nowMs }),
    sparkline({ id: 'chart-synced', title: 'Records synced / 10 s', unit: '', points: series(samples, (s) => s.syncedRecords), nowMs }),
  ];
  return `<section id="intake" class="panel"><h2>Webhook intake and sync throughput</h2><div class="charts">${charts.join('')}</div><h3>Rejected by reason</h3>${byReason}</section>`;
}
