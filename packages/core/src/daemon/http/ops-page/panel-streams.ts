import { createTask } from 'node-cron';
import type { StreamStatus } from '../../../status/index.js';
import type { RenderContext } from './context.js';
import { badge, cell, duration, esc, postForm, table, when } from './html.js';

/** The time between two slots of a cron (UTC), or undefined when it cannot tell. */
function periodMs(schedule: string): number | undefined {
  try {
    const task = createTask(schedule, () => undefined, { timezone: 'UTC' });
    try {
      const [first, second] = task.getNextRuns(2);
      return first === undefined || second === undefined ? undefined : second.getTime() - first.getTime();
    } finally {
      void task.destroy();
    }
  } catch {
    return undefined;
  }
}

/**
 * Lag against the schedule: how much older the stream's data is than its schedule promises
 * (time since the last succeeded run started, less one period). On demand streams have none.
 */
function lagCell(context: RenderContext, s: StreamStatus): string {
  const schedule = context.deps.schedule(s.connector, s.stream);
  if (schedule === undefined) return '<span class="muted">on demand</span>';
  const success = context.successes.find((r) => r.connectionId === s.connection && r.stream === s.stream);
  if (success === undefined) return '<span class="lag late">no success yet</span>';
  const period = periodMs(schedule) ?? 0;
  const lag = context.nowMs - success.startedAt.getTime() - period;
  return lag <= 1000 ? '<span class="lag">on time</span>' : `<span class="lag late">${esc(duration(lag))} behind</span>`;
}

function lastRunCell(context: RenderContext, s: StreamStatus): string {
  const run = s.lastRun;
  if (run === null) return '<span class="muted">never ran</span>';
  const error = run.error === null ? '' : `<div class="reason">${esc(run.error)}</div>`;
  return `${badge(run.result)} ${when(run.startedAt, context.nowMs)}${error}`;
}

function checkpointCell(s: StreamStatus): string {
  if (s.checkpoint === null) return '<span class="muted">none</span>';
  const mark = s.checkpoint.highWaterMark === null ? '<span class="muted">no high-water mark</span>' : `<code>${esc(s.checkpoint.highWaterMark)}</code>`;
  return s.checkpoint.resuming ? `${mark} <small>(resuming mid-walk)</small>` : mark;
}

function lettersCell(context: RenderContext, s: StreamStatus): string {
  if (s.deadLetters === 0) return '<span class="dead-letters">0</span>';
  const replayAll = postForm('/ui/replay', context.csrf, `Replay all ${s.deadLetters}`, { connection: s.connection, stream: s.stream }, 'button small');
  return `<span class="dead-letters has">${esc(s.deadLetters)}</span> ${replayAll}`;
}

/**
 * The streams panel: per connection and stream its last run, records, next run, lag against the
 * schedule, checkpoint and open dead letters (with a button replaying all of them).
 * @example
 * streamsPanel(context);
 */
export function streamsPanel(context: RenderContext): string {
  const rows = context.status.streams.map(
    (s) =>
      `<tr data-stream="${esc(`${s.connection}/${s.stream}`)}">${[
        cell('Stream', `<strong>${esc(s.stream)}</strong> <small class="muted">${esc(s.connector)} · ${esc(s.connection)}</small>`),
        cell('Last run', lastRunCell(context, s)),
        cell('Records', esc(s.lastRun?.records ?? 0)),
        cell('Next run', s.nextRun === null ? '<span class="muted">on demand</span>' : when(s.nextRun, context.nowMs)),
        cell('Lag', lagCell(context, s)),
        cell('Checkpoint', checkpointCell(s)),
        cell('Dead letters', lettersCell(context, s)),
      ].join('')}</tr>`,
  );
  return `<section id="streams" class="panel"><h2>Streams</h2>${table('streams', ['Stream', 'Last run', 'Records', 'Next run', 'Lag', 'Checkpoint', 'Dead letters'], rows, 'No streams are declared.')}</section>`;
}
