import { esc } from './html.js';

/** One chart's points: epoch ms and a value (null: nothing measured then). */
export interface ChartPoint {
  readonly at: number;
  readonly value: number | null;
}

const WIDTH = 300;
const HEIGHT = 64;
const PAD = 4;
/** The charts span the last hour. */
export const CHART_SPAN_MS = 60 * 60 * 1000;

/**
 * A small time-series chart of the last hour as inline SVG, drawn on the server: a polyline over
 * a baseline, with the latest value and the peak in the caption. Colours come from the
 * stylesheet's classes (the CSP allows no inline style); attributes only.
 * @example
 * sparkline({ title: 'Accepted / 10 s', unit: '', points, nowMs: Date.now() });
 */
export function sparkline(options: { readonly id: string; readonly title: string; readonly unit: string; readonly points: readonly ChartPoint[]; readonly nowMs: number }): string {
  const { points, nowMs } = options;
  const from = nowMs - CHART_SPAN_MS;
  const measured = points.filter((p): p is ChartPoint & { value: number } => p.value !== null && p.at >= from);
  const peak = Math.max(0, ...measured.map((p) => p.value));
  const scale = peak === 0 ? 1 : peak;
  const x = (at: number): number => PAD + ((at - from) / CHART_SPAN_MS) * (WIDTH - 2 * PAD);
  const y = (value: number): number => HEIGHT - PAD - (value / scale) * (HEIGHT - 2 * PAD);
  const line = measured.map((p) => `${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const latest = measured.at(-1)?.value;
  const format = (v: number | undefined): string => (v === undefined ? '–' : `${Math.round(v * 10) / 10}${options.unit}`);
  const label = `${options.title}: latest ${format(latest)}, peak ${format(measured.length === 0 ? undefined : peak)} over the last hour`;
  return [
    `<figure class="chart" id="${esc(options.id)}"><figcaption><span>${esc(options.title)}</span><strong>${esc(format(latest))}</strong></figcaption>`,
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${esc(label)}" preserveAspectRatio="none">`,
    `<line class="axis" x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}"/>`,
    measured.length === 0
      ? `<text class="empty" x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no samples yet</text>`
      : `<polyline class="series" points="${line}"/><circle class="dot" cx="${x(measured.at(-1)!.at).toFixed(1)}" cy="${y(measured.at(-1)!.value).toFixed(1)}" r="2.5"/>`,
    `</svg><small class="muted">peak ${esc(format(measured.length === 0 ? undefined : peak))} · last hour</small></figure>`,
  ].join('');
}
