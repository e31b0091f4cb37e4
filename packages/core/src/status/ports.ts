/** What status needs from storage, defined here by the consumer and implemented over the store by persist/. */
import type { Checkpoint, ConnectionRecord, DeadLetterCount, SyncRun } from '../store/index.js';

export interface StatusStore {
  /** `pglite` or `postgres`. */
  readonly kind: string;
  /** The store answers and every migration is applied. */
  isReady(): Promise<boolean>;
  connections(): Promise<ConnectionRecord[]>;
  lastRuns(connectionIds: readonly string[]): Promise<SyncRun[]>;
  deadLetterCounts(connectionIds: readonly string[]): Promise<DeadLetterCount[]>;
  checkpoint(connectionId: string, stream: string): Promise<Checkpoint | undefined>;
}
