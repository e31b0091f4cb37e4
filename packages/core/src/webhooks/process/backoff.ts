/** How long a webhook event whose processing failed waits before its next attempt. */
export interface WebhookRetryPolicy {
  /** Delay after the first failed attempt. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Growth per attempt. */
  readonly factor: number;
  /** Share of the delay taken off at random (0..1), so events that failed together come back spread out. */
  readonly jitterRatio: number;
}

/**
 * 2 s, 4 s, 8 s, ... capped at 10 minutes, up to a fifth shorter at random: with the default 8
 * attempts an event keeps trying for about 4 minutes of outage before it is dead-lettered.
 */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  baseDelayMs: 2_000,
  maxDelayMs: 10 * 60_000,
  factor: 2,
  jitterRatio: 0.2,
};

/** Attempts an event gets (the first included) before it is dead-lettered. */
export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 8;

/**
 * The delay before the attempt after `attempt` (1 after the first failure): exponential, capped,
 * jittered downwards so it never exceeds the cap.
 * @example
 * webhookRetryDelayMs(3, { ...DEFAULT_WEBHOOK_RETRY, jitterRatio: 0 }); // 8_000
 */
export function webhookRetryDelayMs(attempt: number, policy: WebhookRetryPolicy = DEFAULT_WEBHOOK_RETRY, random: () => number = Math.random): number {
  const exponential = policy.baseDelayMs * policy.factor ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (1 - policy.jitterRatio * random()));
}
