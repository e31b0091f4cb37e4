import { INTERNAL } from '../../errors/index.js';
import type { Queryable } from '../database.js';

// Rows of `connectd_engine.rate_budgets` and `rate_flights` (migration 0008): the rate budget of a
// connection shared by every daemon on one Postgres. Each statement is one round trip and reads
// the row under its lock (`for update` in a CTE, so the values are the latest committed ones, not
// the statement's snapshot), computes on the server's clock (`clock_timestamp()`, once per
// statement, never a daemon's clock) and writes the result. The pacing rules (what is granted,
// what a vendor's figure means) are the http/ limiter's; these statements only apply them. Taking
// and holding are here; the answers that re-synchronise a budget are in rate-budget-answers.ts.

/** Which budget: one per (connector, connection). */
export interface RateBudgetKey {
  readonly connector: string;
  readonly connectionId: string;
}

export interface RateBudgetTakeRequest {
  /** Units wanted; a cost above the capacity in use is taken as a full bucket. */
  readonly cost: number;
  /**
   * Units that must be there for a grant (at most `cost`): when the level holds at least this
   * much, the grant is what is there up to `cost` (whole units), else nothing. Equal to `cost`:
   * all or nothing (a request's price); lower: a lease of up to `cost` tokens.
   */
  readonly minCost: number;
  /** Bucket size when the vendor has not reported one; null: none declared. */
  readonly declaredCapacity: number | null;
  /** Refill rate (units per second) when the vendor has not reported one; null: none declared. */
  readonly declaredRatePerSecond: number | null;
  /** Level of a budget taken from for the first time. */
  readonly initialTokens: number;
  /** Record the grant as a flight until its answer (budgets kept in step with the vendor). */
  readonly recordFlight: boolean;
  /** Flights granted longer ago than this are taken as ended (their daemon died). */
  readonly flightLimitMs: number;
}

/** How far the budget knows its figures: the same modes as the in-memory budget's. */
export type RateBudgetMode = 'paced' | 'open' | 'probing';

export interface RateBudgetTake {
  readonly granted: boolean;
  /** The units taken, or (not granted) the units waited for. */
  readonly cost: number;
  /**
   * Not granted: ms until a take can succeed by the server's clock (a hold the vendor asked for,
   * then the refill at the rate in use). Null when unknown (probing: until the first answer).
   */
  readonly waitMs: number | null;
  readonly mode: RateBudgetMode;
  /** The grant's number (a flight id); 0 when not granted. */
  readonly grantId: number;
  /** Total cost granted before this grant, on every daemon. */
  readonly grantedBefore: number;
  /** Cost of the flights not answered when this grant was made, on every daemon (this one excluded). */
  readonly inFlightBefore: number;
  /** The level after the statement (paced mode). */
  readonly tokens: number;
  /** When the budget was taken from, by the server's clock (what its refill counts from). */
  readonly at: Date;
}

/**
 * `$1` connector, `$2` connection: the budget's row, read under its lock with the server's time, and
 * the capacity and rate in use (the in-memory budget's order: the vendor's, else the declared
 * ones, else the most the vendor ever reported available). The parameters named hold the declared ones;
 * the statement defines `clock` (`select clock_timestamp() as now`), its one reading of the time.
 */
export const lockedBudget = (declaredCapacity: string, declaredRate: string): string => `select b.*, clock.now,
    coalesce(b.vendor_capacity, ${declaredCapacity}::float8, b.largest_seen) as cap,
    coalesce(b.vendor_restore_per_second, ${declaredRate}::float8) as rate,
    greatest(0, extract(epoch from clock.now - b.updated_at))::float8 as elapsed,
    greatest(0, extract(epoch from b.held_until - clock.now) * 1000)::float8 as held_ms
  from connectd_engine.rate_budgets b, clock
  where b.connector = $1 and b.connection_id = $2
  for update of b`;

/** The level now: refilled by the elapsed time at the rate in use, up to the capacity; as stored while not paced. */
export const BUDGET_LEVEL = `case when cap is not null and rate is not null then least(cap, tokens + rate * elapsed) else tokens end`;

/**
 * Takes up to `$3` units (at least `$8`) in one round trip, or says how long to wait. Paced: granted
 * when the refilled level holds the minimum. Not paced (no capacity or rate known): granted when
 * nothing is in flight (probing: the first request goes alone) or always once an answer came
 * without figures (open). Never while a hold the vendor asked for (`Retry-After`) lasts.
 *
 * The budget's row is locked first (`cur`); the flights of dead daemons (older than the limit `$7`)
 * are ended after, through `cur`, so two statements never lock rows in opposite orders.
 */
const TAKE = `
with clock as (select clock_timestamp() as now),
cur as (${lockedBudget('$4', '$5')}),
ended as (
  delete from connectd_engine.rate_flights f using cur
  where f.connector = $1 and f.connection_id = $2 and f.granted_at < cur.now - make_interval(secs => $7::float8 / 1000)
  returning f.cost
),
ended_sum as (select coalesce(sum(cost), 0)::float8 as cost from ended),
figures as (
  select cur.*, ${BUDGET_LEVEL} as level,
    cap is not null and rate is not null as paced,
    case when cap is not null and rate is not null then least($3::float8, cap) else $3::float8 end as want,
    case when cap is not null and rate is not null then least($8::float8, $3::float8, cap) else $8::float8 end as need,
    granted_cost - answered_cost - ended_sum.cost as in_flight,
    ended_sum.cost as ended_cost,
    case when cap is not null and rate is not null then 'paced' when heard then 'open' else 'probing' end as mode
  from cur, ended_sum
),
plan as (
  select figures.*,
    held_ms <= 0 and case mode when 'paced' then level + 1e-9 >= need when 'open' then true else in_flight <= 1e-9 end as enough,
    case when paced then least(want, greatest(need, floor(level + 1e-9))) else want end as take_cost
  from figures
),
upd as (
  update connectd_engine.rate_budgets b set
    tokens = case when plan.enough and plan.paced then plan.level - plan.take_cost else plan.level end,
    updated_at = greatest(b.updated_at, plan.now),
    grants = b.grants + case when plan.enough then 1 else 0 end,
    granted_cost = b.granted_cost + case when plan.enough then plan.take_cost else 0 end,
    -- A grant that is not a flight (a lease) is answered at once: only flights count as in flight.
    answered_cost = b.answered_cost + plan.ended_cost + case when plan.enough and not $6::boolean then plan.take_cost else 0 end
  from plan
  where b.connector = $1 and b.connection_id = $2
  returning b.grants, b.tokens, b.updated_at
),
flight as (
  insert into connectd_engine.rate_flights (connector, connection_id, grant_id, cost, granted_at)
  select $1, $2, upd.grants, plan.take_cost, plan.now from upd, plan where plan.enough and $6::boolean
)
select plan.enough as granted,
  case when plan.enough then plan.take_cost else plan.need end as cost,
  plan.mode,
  case
    when plan.enough then null
    when plan.paced then greatest(plan.held_ms, (plan.need - plan.level) / plan.rate * 1000)
    when plan.held_ms > 0 then plan.held_ms
  end as wait_ms,
  case when plan.enough then upd.grants else 0 end as grant_id,
  plan.granted_cost as granted_before,
  plan.in_flight as in_flight_before,
  upd.tokens, upd.updated_at as at
from plan, upd`;

const ENSURE = `insert into connectd_engine.rate_budgets (connector, connection_id, tokens, updated_at)
  values ($1, $2, $3, clock_timestamp()) on conflict (connector, connection_id) do nothing`;

interface TakeRow {
  granted: boolean;
  cost: number;
  mode: RateBudgetMode;
  wait_ms: number | null;
  grant_id: string;
  granted_before: number;
  in_flight_before: number;
  tokens: number;
  at: Date;
}

/**
 * Takes from a connection's shared budget in one statement (creating the budget at
 * `initialTokens` the first time): granted, or how long until it can be, computed by the server.
 * Several daemons may take at once: each statement waits for the row's lock and refills from the
 * time the previous one left it.
 * @example
 * const take = await takeRateBudget(db, { connector: 'storq', connectionId: 'acme' }, {
 *   cost: 1, minCost: 1, declaredCapacity: 20, declaredRatePerSecond: 10, initialTokens: 20, recordFlight: false, flightLimitMs: 60_000,
 * });
 * if (!take.granted) await sleep(take.waitMs ?? 100);
 */
export async function takeRateBudget(db: Queryable, key: RateBudgetKey, request: RateBudgetTakeRequest): Promise<RateBudgetTake> {
  const params = [
    key.connector,
    key.connectionId,
    request.cost,
    request.declaredCapacity,
    request.declaredRatePerSecond,
    request.recordFlight,
    request.flightLimitMs,
    Math.min(request.minCost, request.cost),
  ];
  let { rows } = await db.query<TakeRow>(TAKE, params);
  if (rows.length === 0) {
    await db.query(ENSURE, [key.connector, key.connectionId, request.initialTokens]);
    ({ rows } = await db.query<TakeRow>(TAKE, params));
  }
  const row = rows[0];
  if (row === undefined) throw INTERNAL({ message: `rate budget ${key.connector}:${key.connectionId} vanished while taking from it` });
  return {
    granted: row.granted,
    cost: row.cost,
    waitMs: row.wait_ms,
    mode: row.mode,
    grantId: Number(row.grant_id),
    grantedBefore: row.granted_before,
    inFlightBefore: row.in_flight_before,
    tokens: row.tokens,
    at: row.at,
  };
}

/**
 * Holds a connection's shared budget for `ms` (the vendor said `Retry-After`): no daemon is
 * granted anything until then, by the server's clock. A longer hold already there stands.
 * @example
 * await holdRateBudget(db, { connector: 'storq', connectionId: 'acme' }, 2_000);
 */
export async function holdRateBudget(db: Queryable, key: RateBudgetKey, ms: number): Promise<void> {
  await db.query(
    `update connectd_engine.rate_budgets
       set held_until = greatest(coalesce(held_until, clock_timestamp()), clock_timestamp() + make_interval(secs => $3::float8 / 1000))
     where connector = $1 and connection_id = $2`,
    [key.connector, key.connectionId, ms],
  );
}
