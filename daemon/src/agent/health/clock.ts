/**
 * Time as the health checker sees it. Injected so that tests can drive delays,
 * intervals, timeouts and the grace period without waiting for them.
 */
export interface HealthCheckClock {
  /** Milliseconds, on any fixed origin. */
  now(): number;
  /** Calls `callback` once after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, callback: () => void): () => void;
}

/**
 * The real clock. It looks up setTimeout when called, not when this module loads, so
 * that fake timers installed by a test apply to it too.
 */
export const systemClock: HealthCheckClock = {
  now: () => Date.now(),
  schedule(delayMs, callback) {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};
