import type { Queryable } from '../database.js';
import type { RateBudgetKey } from './rate-budgets.js';

// Rows of `connectd_engine.breaker_states` (migration 0008): a connection's circuit breaker as
// every daemon on one Postgres honours it. No row means closed. Times are the server's: a row
// answers how long until its trial may go (`probe_in_ms`), never a timestamp for a daemon's clock.

/** The shared breaker of a connection as the store holds it. */
export interface BreakerStateRow {
  readonly state: 'closed' | 'open';
  /** While open: ms until the trial may be claimed (0 when due). */
  readonly probeInMs: number | null;
  /** A trial is claimed and its lease has not run out. */
  readonly trialInFlight: boolean;
  /** Trials claimed since the row was made. */
  readonly trials: number;
}

const CLOSED: BreakerStateRow = Object.freeze({ state: 'closed', probeInMs: null, trialInFlight: false, trials: 0 });

const COLUMNS = `state,
  case when state = 'open' then greatest(0, extract(epoch from probe_at - clock_timestamp()) * 1000)::float8 end as probe_in_ms,
  coalesce(trial_token is not null and trial_until > clock_timestamp(), false) as trial_in_flight,
  trials`;

interface Row {
  state: 'closed' | 'open';
  probe_in_ms: number | null;
  trial_in_flight: boolean;
  trials: string;
}

const toState = (row: Row | undefined): BreakerStateRow =>
  row === undefined ? CLOSED : { state: row.state, probeInMs: row.probe_in_ms, trialInFlight: row.trial_in_flight, trials: Number(row.trials) };

const WHERE_KEY = `connector = $1 and connection_id = $2`;

/** The breaker as it stands (closed when it never opened). */
export async function readBreakerState(db: Queryable, key: RateBudgetKey): Promise<BreakerStateRow> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from connectd_engine.breaker_states where ${WHERE_KEY}`, [key.connector, key.connectionId]);
  return toState(rows[0]);
}

/**
 * Opens the breaker for `cooldownMs` unless it is open already (then the first opening stands:
 * several daemons seeing the same outage do not push the trial back). Returns the breaker after.
 * @example
 * const state = await openBreakerState(db, { connector: 'storq', connectionId: 'acme' }, 30_000);
 */
export async function openBreakerState(db: Queryable, key: RateBudgetKey, cooldownMs: number): Promise<BreakerStateRow> {
  const { rows } = await db.query<Row>(
    `with opened as (
       insert into connectd_engine.breaker_states as s (connector, connection_id, state, opened_at, probe_at, updated_at)
       values ($1, $2, 'open', clock_timestamp(), clock_timestamp() + make_interval(secs => $3::float8 / 1000), clock_timestamp())
       on conflict (connector, connection_id) do update
         set state = 'open', opened_at = excluded.opened_at, probe_at = excluded.probe_at,
             trial_token = null, trial_until = null, updated_at = excluded.updated_at
         where s.state = 'closed'
       returning ${COLUMNS}
     )
     select * from opened
     union all
     select ${COLUMNS} from connectd_engine.breaker_states where ${WHERE_KEY} and not exists (select 1 from opened)`,
    [key.connector, key.connectionId, cooldownMs],
  );
  // No row: another daemon made it in a transaction this statement's snapshot predates; read it afresh.
  return rows[0] !== undefined ? toState(rows[0]) : readBreakerState(db, key);
}

/**
 * Claims the trial of an open breaker whose cooldown is over, for `leaseMs`: one daemon wins (the
 * row's lock orders the claims; the later ones find it claimed), the others are told the state.
 * A claim whose lease ran out (its daemon died mid-trial) may be claimed again.
 */
export async function claimBreakerTrial(db: Queryable, key: RateBudgetKey, token: string, leaseMs: number): Promise<{ won: boolean; state: BreakerStateRow }> {
  const { rows } = await db.query<Row>(
    `update connectd_engine.breaker_states
       set trial_token = $3, trial_until = clock_timestamp() + make_interval(secs => $4::float8 / 1000), trials = trials + 1, updated_at = clock_timestamp()
     where ${WHERE_KEY} and state = 'open' and probe_at <= clock_timestamp() and (trial_token is null or trial_until <= clock_timestamp())
     returning ${COLUMNS}`,
    [key.connector, key.connectionId, token, leaseMs],
  );
  if (rows[0] !== undefined) return { won: true, state: toState(rows[0]) };
  return { won: false, state: await readBreakerState(db, key) };
}

/**
 * Settles the trial `token` holds: closes the breaker for every daemon when it succeeded, or opens
 * it again for `cooldownMs` when it failed. A token that no longer holds the trial (its lease ran
 * out and another daemon claimed it) changes nothing. Returns the breaker after.
 */
export async function settleBreakerTrial(
  db: Queryable,
  key: RateBudgetKey,
  token: string,
  outcome: { readonly succeeded: true } | { readonly succeeded: false; readonly cooldownMs: number },
): Promise<BreakerStateRow> {
  const { rows } = outcome.succeeded
    ? await db.query<Row>(
        `update connectd_engine.breaker_states
           set state = 'closed', probe_at = null, trial_token = null, trial_until = null, updated_at = clock_timestamp()
         where ${WHERE_KEY} and trial_token = $3 returning ${COLUMNS}`,
        [key.connector, key.connectionId, token],
      )
    : await db.query<Row>(
        `update connectd_engine.breaker_states
           set opened_at = clock_timestamp(), probe_at = clock_timestamp() + make_interval(secs => $4::float8 / 1000),
               trial_token = null, trial_until = null, updated_at = clock_timestamp()
         where ${WHERE_KEY} and trial_token = $3 returning ${COLUMNS}`,
        [key.connector, key.connectionId, token, outcome.cooldownMs],
      );
  return rows[0] !== undefined ? toState(rows[0]) : readBreakerState(db, key);
}
