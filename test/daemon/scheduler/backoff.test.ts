import { backoffDelay, DEFAULT_BACKOFF } from '@mesolite/daemon/scheduler/backoff';
import { describe, expect, it } from 'vitest';

const NO_JITTER = { ...DEFAULT_BACKOFF, jitter: 0 };

describe('backoffDelay', () => {
  it('starts at the initial delay', () => {
    expect(backoffDelay(0, NO_JITTER, () => 0.5)).toBe(500);
  });

  it('multiplies the delay by the factor for each failure in a row', () => {
    expect([1, 2, 3].map((attempt) => backoffDelay(attempt, NO_JITTER, () => 0))).toEqual([
      1000, 2000, 4000,
    ]);
  });

  it('never waits longer than the maximum', () => {
    expect(backoffDelay(50, NO_JITTER, () => 0)).toBe(30_000);
  });

  it('takes up to the jitter fraction off at random', () => {
    const options = { ...DEFAULT_BACKOFF, jitter: 0.5 };
    expect(backoffDelay(2, options, () => 0)).toBe(2000);
    expect(backoffDelay(2, options, () => 0.5)).toBe(1500);
    expect(backoffDelay(2, options, () => 0.999)).toBeGreaterThan(1000);
  });
});
