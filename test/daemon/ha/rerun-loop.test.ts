import { RerunLoop } from '@mesolite/daemon/ha/rerun-loop';
import { describe, expect, it } from 'vitest';

/** A pass the test lets finish, one at a time, counting how many started. */
function controlledPass() {
  const waiting: Array<() => void> = [];
  const started: Array<() => void> = [];
  let passes = 0;
  return {
    pass: () =>
      new Promise<void>((resolve) => {
        passes += 1;
        waiting.push(resolve);
        for (const notify of started.splice(0)) notify();
      }),
    get passes() {
      return passes;
    },
    /** Resolves once a pass has started (at once if one is waiting). */
    started: () =>
      waiting.length > 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => started.push(resolve)),
    /** Lets the oldest waiting pass finish and gives the loop its turn. */
    async finish(): Promise<void> {
      waiting.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('a rerun loop', () => {
  it('runs one pass after a running one however many kicks came meanwhile', async () => {
    const control = controlledPass();
    const loop = new RerunLoop(control.pass);
    loop.kick();
    await control.started();
    loop.kick();
    loop.kick();
    loop.kick();
    expect(control.passes).toBe(1);
    await control.finish();
    await control.started();
    expect(control.passes).toBe(2);
    await control.finish();
    expect(control.passes).toBe(2);
    // Idle again: the next kick starts a pass at once.
    loop.kick();
    await control.started();
    expect(control.passes).toBe(3);
    await control.finish();
  });

  it('starts nothing while inactive, and no further pass once it turns inactive', async () => {
    const control = controlledPass();
    let active = false;
    const loop = new RerunLoop(control.pass, () => active);
    loop.kick();
    expect(control.passes).toBe(0);
    active = true;
    loop.kick();
    await control.started();
    loop.kick();
    active = false;
    await control.finish();
    expect(control.passes).toBe(1);
  });
});
