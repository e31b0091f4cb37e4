import type { DeadLetter, SyncRun } from '../../../store/index.js';
import type { OperationsPageDeps, OpsStatus } from './types.js';

/** Everything one rendering of the panels reads, gathered once per request. */
export interface RenderContext {
  readonly deps: OperationsPageDeps;
  readonly status: OpsStatus;
  readonly successes: readonly SyncRun[];
  /** Open dead letters shown in the list (oldest first, at most {@link DEAD_LETTERS_SHOWN}). */
  readonly letters: readonly DeadLetter[];
  readonly nowMs: number;
  /** The CSRF token of the request's session, for every form. */
  readonly csrf: string;
  /** A reconnect link just made, shown in its connection's row. */
  readonly link?: { readonly connection: string; readonly url: string; readonly expiresAt: Date } | undefined;
}

/** Dead letters listed on the page; the counts per stream cover all of them. */
export const DEAD_LETTERS_SHOWN = 50;

/**
 * Reads what the panels show: status, the last successes, the open dead letters.
 * @example
 * const context = await gatherContext(deps, csrf);
 */
export async function gatherContext(deps: OperationsPageDeps, csrf: string, link?: RenderContext['link']): Promise<RenderContext> {
  const status = await deps.status();
  const ids = [...new Set([...status.connections.map((c) => c.id), ...status.streams.map((s) => s.connection)])];
  const [successes, letters] = await Promise.all([deps.streamSuccesses(ids).catch(() => []), deps.deadLetters({ limit: DEAD_LETTERS_SHOWN }).catch(() => [])]);
  return { deps, status, successes, letters, nowMs: (deps.now ?? Date.now)(), csrf, link };
}
