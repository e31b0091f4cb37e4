import type { ReplaySelection, ReplaySummary } from '../../replay/index.js';
import { withForeground, type ForegroundOptions } from './foreground.js';

export interface ReplayOnceOptions extends ForegroundOptions {
  readonly selection: ReplaySelection;
}

/**
 * `connectd replay`: replays the selected dead letters with the current config. Webhook events go
 * back to the inbox and jobs back to the queue, for a running daemon to process; records are
 * written here. On the embedded store the daemon must be stopped (it holds the data folder); use
 * `POST /api/dead-letters/replay` against a running daemon instead.
 * @example
 * const summary = await replayOnce({ configPath, env: process.env, settings: readSettings(process.env), selection: { all: true } });
 */
export async function replayOnce(options: ReplayOnceOptions): Promise<ReplaySummary> {
  return withForeground(options, (core) => core.replayer().replay(options.selection));
}
