import type { ConnectionReport } from '../../../status/index.js';
import type { RenderContext } from './context.js';
import { badge, cell, esc, postForm, table, when } from './html.js';

const lastSuccessOf = (context: RenderContext, connection: string): Date | null =>
  context.successes
    .filter((s) => s.connectionId === connection)
    .map((s) => s.finishedAt ?? s.startedAt)
    .reduce<Date | null>((latest, at) => (latest === null || at > latest ? at : latest), null);

/** The lifecycle status when stored (`active`, `needs_reauth`, `disabled`), else the runtime's state. */
const statusOf = (c: ConnectionReport): string => c.status ?? (c.state === 'ready' ? 'active' : c.state);

function reconnectCell(context: RenderContext, c: ConnectionReport): string {
  if (statusOf(c) !== 'needs_reauth') return '';
  const link = context.link?.connection === c.id ? context.link : undefined;
  const made =
    link === undefined
      ? ''
      : `<div class="connect-link"><a href="${esc(link.url)}" rel="noreferrer">${esc(link.url)}</a><small class="muted">send it to the tenant; it works once, until ${esc(link.expiresAt.toISOString())}</small></div>`;
  return postForm('/ui/reconnect', context.csrf, 'Reconnect link', { connection: c.id }) + made;
}

/**
 * The connections panel: tenant, connector, status and why, last success, and for a connection
 * that needs re-consent a button that makes a fresh connect link (shown in the row once made).
 * @example
 * connectionsPanel(context);
 */
export function connectionsPanel(context: RenderContext): string {
  const rows = [...context.status.connections]
    .sort((a, b) => Number(statusOf(b) === 'needs_reauth') - Number(statusOf(a) === 'needs_reauth') || a.id.localeCompare(b.id))
    .map((c) => {
      const reason = c.statusReason ?? c.error ?? '';
      return `<tr data-connection="${esc(c.id)}" class="status-${esc(statusOf(c))}">${[
        cell('Tenant', esc(c.tenant)),
        cell('Connector', esc(c.connector)),
        cell('Connection', `<code>${esc(c.id)}</code>`),
        cell('Status', badge(statusOf(c))),
        cell('Reason', reason === '' ? '<span class="muted">–</span>' : esc(reason), 'reason'),
        cell('Last success', when(lastSuccessOf(context, c.id), context.nowMs)),
        cell('', reconnectCell(context, c)),
      ].join('')}</tr>`;
    });
  return `<section id="connections" class="panel"><h2>Connections</h2>${table('connections', ['Tenant', 'Connector', 'Connection', 'Status', 'Reason', 'Last success', ''], rows, 'No connections run in this daemon.')}</section>`;
}

const adapterName = (adapter: unknown): string =>
  typeof adapter === 'string' ? adapter : typeof adapter === 'object' && adapter !== null && typeof (adapter as { type?: unknown }).type === 'string' ? (adapter as { type: string }).type : '';

/**
 * The breakers and rate budgets panel: per connection its breaker (and when the trial request
 * goes), the declared budget, and the vendor traffic since the daemon started (attempts, 429s,
 * waits for a token).
 * @example
 * breakersPanel(context);
 */
export function breakersPanel(context: RenderContext): string {
  const traffic = context.deps.traffic();
  const rows = context.status.connections.map((c) => {
    const declared = context.deps.rateLimit(c.connector);
    const budget = declared === undefined ? '<span class="muted">none declared</span>' : esc([declared.rate, declared.burst === undefined ? '' : `burst ${declared.burst}`, declared.concurrency === undefined ? '' : `${declared.concurrency} at once`, adapterName(declared.adapter)].filter((p) => p !== undefined && p !== '').join(' · ') || 'adapter');
    const seen = traffic.get(`${c.connector}:${c.id}`);
    const breaker = c.breaker ?? (c.state === 'ready' ? 'closed' : 'unavailable');
    return `<tr data-connection="${esc(c.id)}" class="breaker-${esc(breaker)}">${[
      cell('Connection', `<code>${esc(c.id)}</code>`),
      cell('Breaker', badge(breaker) + (c.probeAt === undefined ? '' : ` <small class="muted">trial ${when(c.probeAt, context.nowMs)}</small>`)),
      cell('Budget', budget),
      cell('Attempts', esc(seen?.attempts ?? 0)),
      cell('429s', esc(seen?.throttled ?? 0)),
      cell('Waited for budget', seen === undefined ? '0 s' : `<span title="${esc(seen.rateWaits)} paced attempts">${esc(Math.round(seen.rateWaitSeconds * 10) / 10)} s</span>`),
    ].join('')}</tr>`;
  });
  return `<section id="breakers" class="panel"><h2>Breakers and rate budgets</h2>${table('breakers', ['Connection', 'Breaker', 'Budget', 'Attempts', '429s', 'Waited for budget'], rows, 'No connections run in this daemon.')}</section>`;
}
