import {
  type CoalescerClock,
  PushCoalescer,
  pushDelay,
} from '@mesolite/daemon/server/push-coalescer';
import { describe, expect, it } from 'vitest';

/** A clock the test advances by hand; timers run when their time is reached. */
function manualClock() {
  let now = 0;
  let timers: Array<{ at: number; run: () => void; id: number }> = [];
  let nextId = 0;
  const clock: CoalescerClock = {
    now: () => now,
    setTimeout: (run, delayMs) => {
      const id = nextId++;
      timers.push({ at: now + delayMs, run, id });
      return id;
    },
    clearTimeout: (handle) => {
      timers = timers.filter((timer) => timer.id !== handle);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.filter((t) => t.at <= now)) {
      timers = timers.filter((t) => t !== timer);
      timer.run();
    }
  };
  return { clock, advance };
}

describe('pushDelay', () => {
  it('is zero before the first push and once the interval has passed', () => {
    expect(pushDelay(undefined, 1000, 250)).toBe(0);
    expect(pushDelay(1000, 1300, 250)).toBe(0);
  });

  it('is what remains of the interval after the last push', () => {
    expect(pushDelay(1000, 1100, 250)).toBe(150);
  });
});

describe('PushCoalescer', () => {
  it('folds a burst of changes into one push', () => {
    const { clock, advance } = manualClock();
    let pushes = 0;
    const coalescer = new PushCoalescer(() => pushes++, 250, clock);
    for (let i = 0; i < 50; i++) coalescer.changed();
    advance(0);
    expect(pushes).toBe(1);
  });

  it('pushes a change made right after a push once the interval is over', () => {
    const { clock, advance } = manualClock();
    let pushes = 0;
    const coalescer = new PushCoalescer(() => pushes++, 250, clock);
    coalescer.changed();
    advance(0);
    coalescer.changed();
    coalescer.changed();
    advance(249);
    expect(pushes).toBe(1);
    advance(1);
    expect(pushes).toBe(2);
  });

  it('pushes nothing after it is stopped', () => {
    const { clock, advance } = manualClock();
    let pushes = 0;
    const coalescer = new PushCoalescer(() => pushes++, 250, clock);
    coalescer.changed();
    coalescer.stop();
    coalescer.changed();
    advance(1000);
    expect(pushes).toBe(0);
  });
});
