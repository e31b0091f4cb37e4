/**
 * replay/: dead letters replayed after the config was fixed (webhook events back to the inbox,
 * records mapped again and written, dead jobs enqueued again). Storage is a port (ports.ts)
 * implemented in persist/.
 */
export { DeadLetterReplayer, REPLAY_PAGE_SIZE } from './replayer.js';
export type { DeadLetterReplayerOptions, LookupRetrySummary, ReplayCounts, ReplaySummary } from './replayer.js';
export { parseReplaySelection } from './selection.js';
export type { ReplaySelection } from './selection.js';
export type { ReplayCandidates, ReplayedJob, ReplayedRecords, ReplayStore, ReplayWrite } from './ports.js';
