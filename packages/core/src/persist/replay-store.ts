import type { ReplayStore, ReplayWrite } from '../replay/index.js';
import {
  claimDeadLetterReplay,
  insertDeadLetters,
  lastDeadLetterId,
  listReplayCandidates,
  lookupVendorIds,
  requeueInboxEvent,
  requeueJob,
  requeueOutboundEvent,
  type Database,
  type Queryable,
} from '../store/index.js';
import type { EntityWriter } from './entity-writer.js';

/** Rolls a replay's transaction back, so its letter stays open: the event it would requeue is gone. */
class EventMissing {}

/**
 * Dead-letter replay over the store's repositories. Each replay marks its letter replayed first,
 * in the transaction that replays it: the letter's row lock serialises two replays of it, and the
 * second finds it closed.
 * @example
 * const replayer = new DeadLetterReplayer({ store: createReplayStore(store.db, writer), ... });
 */
export function createReplayStore(db: Database, writer: EntityWriter): ReplayStore {
  const claimThen = (letterId: string, replay: (tx: Queryable) => Promise<void>): Promise<ReplayWrite> =>
    db.transaction(async (tx) => {
      if (!(await claimDeadLetterReplay(tx, letterId))) return 'closed';
      await replay(tx);
      return 'replayed';
    });

  return {
    lastLetterId: () => lastDeadLetterId(db),
    candidates: (filter) => listReplayCandidates(db, filter),
    async replayEvent(letterId, inboxId) {
      try {
        return await claimThen(letterId, async (tx) => {
          if ((await requeueInboxEvent(tx, inboxId)) === 'missing') throw new EventMissing();
        });
      } catch (err) {
        if (err instanceof EventMissing) return 'missing';
        throw err;
      }
    },
    async replayOutbound(letterId, outboundId) {
      try {
        return await claimThen(letterId, async (tx) => {
          if ((await requeueOutboundEvent(tx, outboundId, new Date())) === 'missing') throw new EventMissing();
        });
      } catch (err) {
        if (err instanceof EventMissing) return 'missing';
        throw err;
      }
    },
    replayJob: (letterId, job) => claimThen(letterId, async (tx) => void (await requeueJob(tx, job))),
    replayRecords: (letterId, records) =>
      claimThen(letterId, async (tx) => {
        await writer.write(tx, { connector: records.connector, connection: records.connection, rows: records.rows, source: { kind: 'replay', letter_id: letterId } });
        if (records.failedAgain.length > 0) await insertDeadLetters(tx, records.failedAgain);
      }),
    lookupVendorIds: (tenant, connector, kind, vendorIds) => lookupVendorIds(db, tenant, connector, kind, vendorIds),
  };
}
