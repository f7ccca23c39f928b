/** How long a SchedulerClient waits before each re-subscription attempt. */
export interface BackoffOptions {
  /** The wait before the first retry, in ms. */
  readonly initialDelayMs: number;
  /** The wait never grows beyond this, in ms. */
  readonly maxDelayMs: number;
  /** Each failed attempt in a row multiplies the wait by this. */
  readonly factor: number;
  /** Up to this fraction of each wait is taken off at random (0: none, 1: full jitter). */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.5,
};

/**
 * The wait before retry number `attempt` (0 for the first). `random` returns a number
 * in [0, 1), as Math.random does; tests pass a fixed one.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
): number {
  const exponential = options.initialDelayMs * options.factor ** Math.max(0, attempt);
  const capped = Math.min(options.maxDelayMs, exponential);
  // Every framework of a master that went away notices at the same moment; jitter keeps
  // them from all re-subscribing in the same instant when it comes back.
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(capped * (1 - jitter * random()));
}
