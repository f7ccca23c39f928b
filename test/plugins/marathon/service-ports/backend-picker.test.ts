import { type Backend, pickBackend } from '@mesolite/plugin-marathon/service-ports/backend-picker';
import { describe, expect, it } from 'vitest';

const backend = (id: string): Backend => ({ id, host: '127.0.0.1', port: 1 });
const [a, b, c] = [backend('a'), backend('b'), backend('c')];
const loads =
  (counts: Record<string, number>) =>
  (id: string): number =>
    counts[id] ?? 0;

describe('pickBackend', () => {
  it('picks the backend with the fewest open connections', () => {
    expect(pickBackend([a, b, c], loads({ a: 3, b: 1, c: 2 }), 0)?.backend).toBe(b);
  });

  it('breaks ties starting from the cursor and moves the cursor past the pick', () => {
    expect(pickBackend([a, b, c], loads({}), 1)).toEqual({ backend: b, nextCursor: 2 });
    expect(pickBackend([a, b, c], loads({}), 2)).toEqual({ backend: c, nextCursor: 0 });
  });

  it('skips excluded backends', () => {
    expect(pickBackend([a, b], loads({ b: 5 }), 0, new Set(['a']))?.backend).toBe(b);
  });

  it('finds nothing when no backend is left', () => {
    expect(pickBackend([], loads({}), 0)).toBeUndefined();
    expect(pickBackend([a], loads({}), 0, new Set(['a']))).toBeUndefined();
  });

  it('copes with a cursor beyond a list that shrank', () => {
    expect(pickBackend([a, b], loads({}), 7)?.backend).toBe(b);
  });
});
