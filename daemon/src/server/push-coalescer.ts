/**
 * Turns a stream of "something changed" signals into pushes at most once per
 * interval: the first change after a quiet spell is pushed on the next turn of the
 * loop, changes during the interval after a push are folded into one push at its end.
 */

export interface CoalescerClock {
  now(): number;
  setTimeout(run: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: CoalescerClock = {
  now: () => Date.now(),
  setTimeout: (run, delayMs) => {
    const timer = setTimeout(run, delayMs);
    // A pending push must never keep a stopping process alive.
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** How long to wait before pushing, given when the last push went out. Pure. */
export function pushDelay(lastPushAt: number | undefined, now: number, intervalMs: number): number {
  if (lastPushAt === undefined) return 0;
  return Math.max(0, lastPushAt + intervalMs - now);
}

export class PushCoalescer {
  private timer: unknown;
  private lastPushAt: number | undefined;
  private stopped = false;

  constructor(
    private readonly push: () => void,
    private readonly intervalMs: number,
    private readonly clock: CoalescerClock = realClock,
  ) {}

  /** Notes a change; the push that carries it is already scheduled or is scheduled now. */
  changed(): void {
    if (this.stopped || this.timer !== undefined) return;
    const delay = pushDelay(this.lastPushAt, this.clock.now(), this.intervalMs);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.lastPushAt = this.clock.now();
      this.push();
    }, delay);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
