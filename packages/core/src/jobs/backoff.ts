/** How long a failed job waits before its next attempt. */
export interface JobRetryPolicy {
  /** Delay after the first failed attempt. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Growth per attempt. */
  readonly factor: number;
  /**
   * Share of the delay taken off at random (0..1), so jobs that failed together (a vendor
   * outage) do not all come back in the same second.
   */
  readonly jitterRatio: number;
}

/** 5 s, 10 s, 20 s, ... capped at 15 minutes; up to a fifth shorter at random. */
export const DEFAULT_JOB_RETRY: JobRetryPolicy = {
  baseDelayMs: 5_000,
  maxDelayMs: 15 * 60_000,
  factor: 2,
  jitterRatio: 0.2,
};

/**
 * The delay before the attempt after `attempt` (1 for the first failure): exponential, capped,
 * jittered downwards so it never exceeds the cap.
 * @example
 * retryDelayMs(3, { ...DEFAULT_JOB_RETRY, jitterRatio: 0 }); // 20_000
 */
export function retryDelayMs(attempt: number, policy: JobRetryPolicy = DEFAULT_JOB_RETRY, random: () => number = Math.random): number {
  const exponential = policy.baseDelayMs * policy.factor ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (1 - policy.jitterRatio * random()));
}
