import { hashIntegers, mulberry32 } from '@mesolite/zombies-tracker/prng';
import {
  type AgentPosition,
  agentPosition,
  type BoundingBox,
  DEFAULT_OUTBREAK,
  outbreakCount,
  type WorldConfig,
  worldAt,
} from '@mesolite/zombies-tracker/world';
import { describe, expect, it } from 'vitest';

const EPOCH = Date.parse('2024-10-31T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TOWN: BoundingBox = { south: 37.76, west: -122.45, north: 37.79, east: -122.4 };

function config(overrides: Partial<WorldConfig> = {}): WorldConfig {
  return { seed: 42, epochMs: EPOCH, zombies: 30, survivors: 12, bounds: TOWN, ...overrides };
}

function everyone(world: {
  zombies: readonly AgentPosition[];
  survivors: readonly AgentPosition[];
}) {
  return [...world.zombies, ...world.survivors];
}

function inside(bounds: BoundingBox, agent: AgentPosition): boolean {
  return (
    agent.lat >= bounds.south &&
    agent.lat <= bounds.north &&
    agent.lng >= bounds.west &&
    agent.lng <= bounds.east
  );
}

describe('one world for every instance', () => {
  it('is the same for the same seed and time, however the config object was built', () => {
    const t = EPOCH + 3 * HOUR + 17_123;
    const first = worldAt(config(), t);
    const second = worldAt(structuredClone(config()), t);
    expect(second).toStrictEqual(first);
  });

  it('does not depend on which times were computed before', () => {
    const target = EPOCH + 45 * MINUTE + 500;
    const stepped = config();
    for (let t = EPOCH; t < target; t += 1_000) worldAt(stepped, t);
    const fresh = config();
    expect(worldAt(fresh, target)).toStrictEqual(worldAt(stepped, target));
  });

  it('gives the same answer going back in time as going forward', () => {
    const times = [0, 10, 20, 30].map((minutes) => EPOCH + minutes * MINUTE);
    const forward = times.map((t) => worldAt(config(), t));
    const backward = [...times].reverse().map((t) => worldAt(config(), t));
    expect(backward.reverse()).toStrictEqual(forward);
  });

  it('gives a different town for a different seed', () => {
    const t = EPOCH + HOUR;
    expect(worldAt(config({ seed: 43 }), t).zombies).not.toEqual(worldAt(config(), t).zombies);
  });

  it('accepts seeds beyond 32 bits and tells them apart', () => {
    const t = EPOCH + HOUR;
    const big = worldAt(config({ seed: 2 ** 40 + 42 }), t);
    expect(big.zombies).not.toEqual(worldAt(config(), t).zombies);
  });

  it('leaves existing agents where they are when more are added', () => {
    const t = EPOCH + 2 * HOUR;
    const small = worldAt(config({ zombies: 5, survivors: 2 }), t);
    const large = worldAt(config({ zombies: 50, survivors: 20 }), t);
    expect(large.zombies.slice(0, 5)).toStrictEqual(small.zombies);
    expect(large.survivors.slice(0, 2)).toStrictEqual(small.survivors);
  });

  it('locates one agent exactly as the whole world does', () => {
    const t = EPOCH + 5 * HOUR;
    expect(agentPosition(config(), 'survivor', 7, t)).toStrictEqual(
      worldAt(config(), t).survivors[7],
    );
  });
});

describe('the agents', () => {
  it('are as many zombies and survivors as asked for, with stable ids', () => {
    const world = worldAt(config({ zombies: 3, survivors: 2 }), EPOCH);
    expect(world.zombies.map((agent) => agent.id)).toEqual(['zombie-0', 'zombie-1', 'zombie-2']);
    expect(world.survivors.map((agent) => agent.id)).toEqual(['survivor-0', 'survivor-1']);
  });

  it('can be none at all', () => {
    const world = worldAt(config({ zombies: 0, survivors: 0 }), EPOCH);
    expect(everyone(world)).toEqual([]);
  });

  it('keep zombies and survivors with the same number apart', () => {
    const world = worldAt(config(), EPOCH + HOUR);
    expect(world.zombies[0]?.lat).not.toBe(world.survivors[0]?.lat);
  });

  it('move as time passes', () => {
    const before = worldAt(config(), EPOCH + HOUR);
    const after = worldAt(config(), EPOCH + HOUR + 5 * MINUTE);
    const moved = before.zombies.filter((agent, index) => {
      const later = after.zombies[index];
      return later !== undefined && (later.lat !== agent.lat || later.lng !== agent.lng);
    });
    expect(moved.length).toBe(before.zombies.length);
  });

  it('move smoothly, never jumping across town in a second', () => {
    const latSpan = TOWN.north - TOWN.south;
    const lngSpan = TOWN.east - TOWN.west;
    for (let t = EPOCH; t < EPOCH + 2 * HOUR; t += 7 * MINUTE + 13) {
      const now = everyone(worldAt(config(), t));
      const next = everyone(worldAt(config(), t + 1_000));
      for (const [index, agent] of now.entries()) {
        const later = next[index];
        expect(later).toBeDefined();
        if (later === undefined) continue;
        expect(Math.abs(later.lat - agent.lat)).toBeLessThan(0.02 * latSpan);
        expect(Math.abs(later.lng - agent.lng)).toBeLessThan(0.02 * lngSpan);
      }
    }
  });

  it('are on their paths before the epoch too', () => {
    const world = worldAt(config(), EPOCH - 3 * HOUR);
    expect(everyone(world).every((agent) => inside(TOWN, agent))).toBe(true);
  });
});

describe('the town bounds', () => {
  it.each([1, 2, 3, 42, 2 ** 31, -7, Number.MAX_SAFE_INTEGER])(
    'hold every agent of seed %d at every sampled time',
    (seed) => {
      const world = config({ seed, zombies: 40, survivors: 40 });
      for (let t = EPOCH - HOUR; t < EPOCH + 24 * HOUR; t += 37 * MINUTE + 11) {
        const outside = everyone(worldAt(world, t)).filter((agent) => !inside(TOWN, agent));
        expect(outside).toEqual([]);
      }
    },
  );

  it.each([
    { south: 0, west: 0, north: 0.000001, east: 0.000001 },
    { south: -90, west: -180, north: 90, east: 180 },
    { south: 89.99, west: 179.99, north: 90, east: 180 },
    { south: -33.9, west: 151.1, north: -33.8, east: 151.3 },
  ])('hold every agent in the town %j', (bounds) => {
    for (let t = EPOCH; t < EPOCH + 6 * HOUR; t += 29 * MINUTE) {
      const world = worldAt(config({ bounds }), t);
      expect(everyone(world).filter((agent) => !inside(bounds, agent))).toEqual([]);
    }
  });

  it('are reached across the whole town, not one corner of it', () => {
    const world = worldAt(config({ zombies: 200, survivors: 0 }), EPOCH + HOUR);
    const midLat = (TOWN.south + TOWN.north) / 2;
    const midLng = (TOWN.west + TOWN.east) / 2;
    const quadrants = new Set(
      world.zombies.map((agent) => `${agent.lat < midLat}${agent.lng < midLng}`),
    );
    expect(quadrants.size).toBe(4);
  });
});

describe('refusing a world that cannot exist', () => {
  it.each<[string, Partial<WorldConfig>]>([
    ['seed', { seed: 1.5 }],
    ['seed', { seed: Number.NaN }],
    ['epochMs', { epochMs: Number.POSITIVE_INFINITY }],
    ['zombies', { zombies: -1 }],
    ['survivors', { survivors: 2.5 }],
    ['zombies', { zombies: 100_001 }],
    ['bounds', { bounds: { ...TOWN, north: TOWN.south } }],
    ['bounds', { bounds: { ...TOWN, south: -91 } }],
    ['bounds', { bounds: { south: 0, west: 179, north: 1, east: -179 } }],
    ['bounds', { bounds: { ...TOWN, east: Number.NaN } }],
    ['outbreak.initial', { outbreak: { ...DEFAULT_OUTBREAK, initial: 20_000 } }],
    ['outbreak.halfTimeMs', { outbreak: { ...DEFAULT_OUTBREAK, halfTimeMs: 0 } }],
  ])('names the setting %s', (setting, overrides) => {
    expect(() => worldAt(config(overrides), EPOCH)).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_INVALID_WORLD', setting }),
    );
  });

  it('refuses a time that is not a number', () => {
    expect(() => worldAt(config(), Number.NaN)).toThrow(/t must be a finite number/);
  });

  it('refuses an agent that does not exist', () => {
    expect(() => agentPosition(config({ zombies: 3 }), 'zombie', 3, EPOCH)).toThrow(
      /zombie 3 does not exist/,
    );
  });
});

describe('the outbreak counter', () => {
  it('starts with the initial infected at the epoch', () => {
    expect(outbreakCount(EPOCH, EPOCH)).toBe(DEFAULT_OUTBREAK.initial);
  });

  it('stays at the initial infected before the epoch', () => {
    expect(outbreakCount(EPOCH - 24 * HOUR, EPOCH)).toBe(DEFAULT_OUTBREAK.initial);
  });

  it('reaches half the population at the half time', () => {
    expect(outbreakCount(EPOCH + DEFAULT_OUTBREAK.halfTimeMs, EPOCH)).toBe(5_000);
  });

  it('never goes down, second by second', () => {
    const decreases: number[] = [];
    let previous = outbreakCount(EPOCH, EPOCH);
    for (let t = EPOCH; t < EPOCH + 6 * HOUR; t += 1_000) {
      const count = outbreakCount(t, EPOCH);
      if (count < previous) decreases.push(t);
      previous = count;
    }
    expect(decreases).toEqual([]);
  });

  it('visibly climbs during the first half hour of a demo', () => {
    expect(outbreakCount(EPOCH + 30 * MINUTE, EPOCH)).toBeGreaterThan(
      outbreakCount(EPOCH + 10 * MINUTE, EPOCH) + 100,
    );
  });

  it('never passes the population', () => {
    expect(outbreakCount(EPOCH + 10 ** 15, EPOCH)).toBe(DEFAULT_OUTBREAK.population);
  });

  it('is a whole number of people', () => {
    expect(Number.isInteger(outbreakCount(EPOCH + 1_234_567, EPOCH))).toBe(true);
  });

  it('follows a custom model', () => {
    const model = { initial: 10, population: 110, halfTimeMs: MINUTE };
    expect(outbreakCount(EPOCH + MINUTE, EPOCH, model)).toBe(60);
  });

  it('is part of the world', () => {
    const t = EPOCH + 90 * MINUTE;
    expect(worldAt(config(), t).outbreak).toBe(outbreakCount(t, EPOCH));
  });
});

describe('the seeded generator', () => {
  it('repeats its sequence for the same seed', () => {
    const first = mulberry32(7);
    const second = mulberry32(7);
    const draws = Array.from({ length: 5 }, () => [first(), second()]);
    expect(draws.every(([a, b]) => a === b)).toBe(true);
  });

  it('answers numbers in [0, 1) spread around one half', () => {
    const random = mulberry32(12345);
    const draws = Array.from({ length: 10_000 }, () => random());
    expect(draws.every((value) => value >= 0 && value < 1)).toBe(true);
    const mean = draws.reduce((sum, value) => sum + value, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('tells apart keys that agree in their low 32 bits', () => {
    expect(hashIntegers([2 ** 32])).not.toBe(hashIntegers([0]));
    expect(hashIntegers([-1])).not.toBe(hashIntegers([2 ** 32 - 1]));
  });

  it('depends on the order of the keys', () => {
    expect(hashIntegers([1, 2])).not.toBe(hashIntegers([2, 1]));
  });
});
