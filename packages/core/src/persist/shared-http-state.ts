import type { SharedHttpState } from '../http/index.js';
import {
  answerRateBudget,
  claimBreakerTrial,
  holdRateBudget,
  openBreakerState,
  readBreakerState,
  settleBreakerTrial,
  takeRateBudget,
  type BreakerStateRow,
  type Database,
} from '../store/index.js';

const view = (row: BreakerStateRow): { state: 'closed' | 'open'; probeInMs: number | null; trialInFlight: boolean } => ({
  state: row.state,
  probeInMs: row.probeInMs,
  trialInFlight: row.trialInFlight,
});

/**
 * What several daemons share about each connection's vendor, kept in the database: the rate
 * budgets and the breakers (http/'s `BudgetStore` and `BreakerStore` over store/'s statements,
 * one statement each). This is the one place that decides between shared and in-process state:
 * Postgres can have several daemons on it, so it shares; the embedded store has one process by
 * construction (its data folder is locked), so it answers undefined and every connection keeps
 * its in-memory `TokenBucket`/`BudgetBucket` and `ConnectionBreaker`, with no round trip.
 * @example
 * const shared = sharedHttpStateOf(store.db);
 * const engine = await Engine.create({ ..., sharedHttp: shared });
 */
export function sharedHttpStateOf(db: Database): SharedHttpState | undefined {
  if (db.kind !== 'postgres') return undefined;
  return {
    budgets: {
      take: (key, request) => takeRateBudget(db, key, request),
      hold: (key, ms) => holdRateBudget(db, key, ms),
      async answer(key, answer) {
        await answerRateBudget(db, key, answer);
      },
    },
    breakers: {
      read: async (key) => view(await readBreakerState(db, key)),
      open: async (key, cooldownMs) => view(await openBreakerState(db, key, cooldownMs)),
      async claimTrial(key, token, leaseMs) {
        const { won, state } = await claimBreakerTrial(db, key, token, leaseMs);
        return { won, view: view(state) };
      },
      settleTrial: async (key, token, outcome) => view(await settleBreakerTrial(db, key, token, outcome)),
    },
  };
}
