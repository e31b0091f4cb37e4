import type { Queryable } from '../database.js';
import { BUDGET_LEVEL, lockedBudget, type RateBudgetKey } from './rate-budgets.js';

// The answers to the granted requests of a budget kept in step with the vendor (`rate_flights`,
// migration 0008): each ends its flight and, when the vendor reported its level, re-synchronises
// the shared budget from it, whatever the other daemons granted meanwhile.

/** What the answer to one granted request said (all null when the request got no answer). */
export interface RateBudgetAnswer {
  readonly grantId: number;
  /** True when the vendor answered (even without figures): a budget that reports nothing is then not paced. */
  readonly heard: boolean;
  /** The vendor's figures; null when the answer did not report them. */
  readonly available: number | null;
  readonly maximum: number | null;
  readonly restorePerSecond: number | null;
  /**
   * The level the answer proves, before the grants made since this one's: the vendor's figure less
   * the rounding margin, less what was in flight when this request was granted, plus what had been
   * granted before it and its own cost (the statement subtracts everything granted up to now).
   */
  readonly resyncBase: number | null;
  /** The vendor reported a low fraction left only: drop the saved-up burst. */
  readonly drain: boolean;
  readonly declaredCapacity: number | null;
  readonly declaredRatePerSecond: number | null;
}

/**
 * Ends a flight and re-synchronises the budget from its answer. The answer's level is valid
 * whatever other daemons did meanwhile (every grant made since this one's, on any daemon, is
 * subtracted): the answer to the latest grant yet heard sets the level (so refunds and other
 * clients' spending are seen), an older one may only lower it, so daemons answering out of order
 * never raise the budget with a stale figure. A flight already ended as too old does not re-sync.
 */
const ANSWER = `
with clock as (select clock_timestamp() as now),
cur as (${lockedBudget('$10', '$11')}),
done as (
  delete from connectd_engine.rate_flights f using cur
  where f.connector = $1 and f.connection_id = $2 and f.grant_id = $3
  returning f.cost
),
plan as (
  select cur.*, ${BUDGET_LEVEL} as level,
    (select cost from done) as own_cost,
    coalesce($6::float8, vendor_capacity) as new_vendor_capacity,
    coalesce($7::float8, vendor_restore_per_second) as new_vendor_rate,
    greatest(largest_seen, $5::float8) as new_largest_seen,
    least(coalesce($6::float8, vendor_capacity, $10::float8, greatest(largest_seen, $5::float8)), $8::float8 - granted_cost) as resynced,
    coalesce($7::float8, vendor_restore_per_second, $11::float8) as new_rate
  from cur
),
decided as (
  select plan.*, own_cost is not null and $5::float8 is not null and $8::float8 is not null and new_rate is not null as resync from plan
)
update connectd_engine.rate_budgets b set
  tokens = case
    when d.resync and $3 > b.synced_grant then d.resynced
    when d.resync then least(d.level, d.resynced)
    when $9::boolean then least(d.level, 0)
    else d.level end,
  updated_at = greatest(b.updated_at, d.now),
  vendor_capacity = d.new_vendor_capacity,
  vendor_restore_per_second = d.new_vendor_rate,
  largest_seen = d.new_largest_seen,
  heard = b.heard or $4::boolean,
  answered_cost = b.answered_cost + coalesce(d.own_cost, 0),
  synced_grant = case when d.resync then greatest(b.synced_grant, $3) else b.synced_grant end
from decided d
where b.connector = $1 and b.connection_id = $2
returning b.tokens`;

/**
 * Records the answer (or the end without one) of a granted request: its flight ends, and the
 * vendor's figures, when it reported some, re-synchronise the shared budget (see ANSWER). Returns
 * the level after, or undefined when the budget does not exist.
 * @example
 * await answerRateBudget(db, key, { grantId: take.grantId, heard: true, available: 890, maximum: 1000,
 *   restorePerSecond: 50, resyncBase: 889 + take.grantedBefore + take.cost - take.inFlightBefore, drain: false,
 *   declaredCapacity: null, declaredRatePerSecond: null });
 */
export async function answerRateBudget(db: Queryable, key: RateBudgetKey, answer: RateBudgetAnswer): Promise<number | undefined> {
  const { rows } = await db.query<{ tokens: number }>(ANSWER, [
    key.connector,
    key.connectionId,
    answer.grantId,
    answer.heard,
    answer.available,
    answer.maximum,
    answer.restorePerSecond,
    answer.resyncBase,
    answer.drain,
    answer.declaredCapacity,
    answer.declaredRatePerSecond,
  ]);
  return rows[0]?.tokens;
}
