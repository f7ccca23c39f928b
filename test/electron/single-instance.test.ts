import { secondInstanceSteps, startupVerdict } from '@mesolite/electron/single-instance';
import { describe, expect, it } from 'vitest';

describe('one shell per user', () => {
  it('goes on when it holds the single-instance lock', () => {
    expect(startupVerdict(true)).toBe('continue');
  });

  it('quits when another shell holds the lock', () => {
    expect(startupVerdict(false)).toBe('quit');
  });

  it('brings a visible window to the front when a second shell starts', () => {
    expect(secondInstanceSteps({ exists: true, minimized: false, visible: true })).toEqual([
      'focus',
    ]);
  });

  it('restores a minimised window before focusing it', () => {
    expect(secondInstanceSteps({ exists: true, minimized: true, visible: true })).toEqual([
      'restore',
      'focus',
    ]);
  });

  it('shows a hidden window before focusing it', () => {
    expect(secondInstanceSteps({ exists: true, minimized: false, visible: false })).toEqual([
      'show',
      'focus',
    ]);
  });

  it('opens a window again when the last one was closed', () => {
    expect(secondInstanceSteps({ exists: false, minimized: false, visible: false })).toEqual([
      'create',
      'focus',
    ]);
  });
});
