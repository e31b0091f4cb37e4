/**
 * What replaying dead letters needs from storage, defined here by the consumer and implemented
 * over the store by persist/. Every `replay…` call marks the letter replayed in the same
 * transaction that replays it, and resolves `closed` when it was replayed already (by this run or
 * another place at once), so a letter is never replayed twice.
 */
import type { ConnectionInfo } from '../connector/index.js';
import type { EntityRow, VendorIdLookup } from '../mapping/index.js';
import type { DeadLetter, NewDeadLetter } from '../store/index.js';

/** A page of open dead letters to look at. */
export interface ReplayCandidates {
  readonly connector?: string | undefined;
  readonly connectionId?: string | undefined;
  readonly errorCode?: string | undefined;
  readonly ids?: readonly string[] | undefined;
  /** Only letters after this id (paging). */
  readonly afterId?: string | undefined;
  /** Only letters up to this id (letters written by this replay are not replayed by it). */
  readonly upToId: string;
  readonly limit: number;
}

/** Records mapped again, to write with the letters of those that failed again. */
export interface ReplayedRecords {
  readonly connector: string;
  readonly connection: ConnectionInfo;
  /** Each row names its entity: a record may write several. */
  readonly rows: readonly EntityRow[];
  readonly failedAgain: readonly NewDeadLetter[];
}

/** A dead job to enqueue again. */
export interface ReplayedJob {
  readonly kind: string;
  readonly queue: string;
  readonly connectionId: string | null;
  readonly stream: string | null;
  readonly payload: unknown;
}

export type ReplayWrite = 'replayed' | 'closed';

export interface ReplayStore {
  /** The largest dead-letter id now (the replay's upper bound). */
  lastLetterId(): Promise<string>;
  candidates(filter: ReplayCandidates): Promise<DeadLetter[]>;
  /** Puts a webhook event back in the inbox queue; `missing` when the event is gone (nothing changes). */
  replayEvent(letterId: string, inboxId: string): Promise<ReplayWrite | 'missing'>;
  replayJob(letterId: string, job: ReplayedJob): Promise<ReplayWrite>;
  /** Puts a dead outbound event back in the outbox (same id and body, a new retry window); `missing` when it is gone. */
  replayOutbound(letterId: string, outboundId: string): Promise<ReplayWrite | 'missing'>;
  replayRecords(letterId: string, records: ReplayedRecords): Promise<ReplayWrite>;
  readonly lookupVendorIds: VendorIdLookup;
}
