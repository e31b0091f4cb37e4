/** How the CLI shows the project and its status to people (JSON output shows the models as they are). */
import type { ConnectorSummary } from '../project/index.js';
import type { ConfigReport, StatusReport, StreamStatus } from '../status/index.js';

/**
 * One line per connector for `connectd validate`: its state and what it declares.
 * @example
 * formatConnectors(project.summaries(), project.plugins.map((p) => p.meta));
 * // ['storq   active  auth bearer, 3 streams, 2 webhook events, 2 actions', 'plugins: @connectd/connector-storq@0.1.0']
 */
export function formatConnectors(summaries: readonly ConnectorSummary[], plugins: ReadonlyArray<{ readonly name: string; readonly version: string }>): string[] {
  const width = Math.max(0, ...summaries.map((c) => c.name.length));
  const lines = summaries.map((c) => {
    if (c.state === 'idle') return `${c.name.padEnd(width)}  idle    missing ${c.missing.join(', ')}`;
    const parts = [`auth ${c.auth}`, `${c.streams.length} streams`, `${c.webhookEvents.length} webhook events`, `${c.actions.length} actions`];
    const closed = c.webhooksFailClosed ? '; webhooks fail closed: no signing secret is set (every delivery gets 401)' : '';
    return `${c.name.padEnd(width)}  active  ${parts.join(', ')}${closed}`;
  });
  return [...lines, `plugins: ${plugins.map((p) => `${p.name}@${p.version}`).join(', ') || 'none'}`];
}

/** Human lines for a status report. */
export function formatStatus(status: StatusReport): string[] {
  const storeLine = `store: ${status.store.kind}, ${status.store.ready ? 'ready' : 'not ready'}${status.store.error ? ` (${status.store.error})` : ''}`;
  const width = Math.max(9, ...status.connectors.map((c) => c.name.length));
  const rows = status.connectors.map((c) => {
    const detail =
      c.state === 'idle'
        ? `missing ${c.missing.join(', ')}`
        : `streams: ${c.streams.join(', ') || '-'}; webhook events: ${c.webhookEvents.join(', ') || '-'}; actions: ${c.actions.join(', ') || '-'}`;
    return `${c.name.padEnd(width)}  ${c.state.padEnd(6)}  ${detail}`;
  });
  const connections = status.connections.map((c) => {
    const lifecycle = c.status !== undefined && c.status !== 'active' ? `${c.status}${c.statusReason ? ` (${c.statusReason})` : ''}; ` : '';
    const runtime = c.state === 'ready' ? `breaker ${c.breaker ?? 'closed'}${c.probeAt ? ` (probe at ${c.probeAt})` : ''}` : `unavailable: ${c.error ?? ''}`;
    return `  ${`${c.connector}:${c.id}`.padEnd(width)}  ${lifecycle}${runtime}`;
  });
  return [
    `connectd ${status.version} (${status.source === 'daemon' ? 'from the running daemon' : 'read locally'})`,
    storeLine,
    ...(status.config === undefined ? [] : [configLine(status.config)]),
    '',
    `${'connector'.padEnd(width)}  state   details`,
    ...rows,
    ...(connections.length > 0 ? ['', 'connections:', ...connections] : []),
    ...(status.streams.length > 0 ? ['', 'streams:', ...status.streams.map(formatStream)] : []),
    ...((status.destinations ?? []).length > 0
      ? ['', 'destinations:', ...(status.destinations ?? []).map((d) => `  ${d.name.padEnd(width)}  ${d.state.padEnd(8)}  ${d.pending} pending, ${d.dead} dead${d.reason ? `; ${d.reason}` : ''}`)]
      : []),
  ];
}

/** The running config's revision and the last reload: `config: a1b2c3d4e5f6 (loaded <time>); last reload refused at <time>: <errors>`. */
function configLine(config: ConfigReport): string {
  const last = config.lastReload;
  const reload = last === undefined ? '' : `; last reload ${last.outcome} at ${last.at}${last.errors?.length ? `: ${last.errors.join('; ')}` : ''}`;
  return `config: ${config.revision} (loaded ${config.loadedAt})${reload}`;
}

function formatStream(s: StreamStatus): string {
  const last = s.lastRun === null ? 'never run' : `last ${s.lastRun.result} ${s.lastRun.startedAt} (${s.lastRun.records} records, ${s.lastRun.pages} pages)`;
  const next = s.nextRun === null ? 'not scheduled' : `next ${s.nextRun}`;
  const mark = s.checkpoint?.highWaterMark ? `, since ${s.checkpoint.highWaterMark}` : '';
  const resuming = s.checkpoint?.resuming ? ', resumes mid-run' : '';
  return `  ${s.connector}:${s.connection}.${s.stream}  ${last}; ${next}${mark}${resuming}; ${s.deadLetters} dead letters`;
}
