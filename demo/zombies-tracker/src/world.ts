import { InvalidWorldError } from './errors.js';
import { randomFor } from './prng.js';

/**
 * The Zombies Tracker's world as a pure function of (seed, time). Every tracker instance
 * Marathon runs computes the same town without talking to the others, and a restarted or
 * newly scaled instance shows at once what the others show, because nothing depends on
 * which instants were computed before.
 *
 * Each agent roams a neighbourhood of its own around a home point. Its path is a chain of
 * waypoints inside that neighbourhood; it walks each leg at constant speed in a fixed
 * time, so the leg under way at time t is found by division instead of by walking the
 * path from the start. Waypoints and legs come from generators keyed by
 * (seed, kind, agent, leg), so any leg is reached directly. Positions use only exactly
 * rounded arithmetic, so they agree to the last bit on every JavaScript engine.
 */

/** The made-up town, in degrees. It may not cross the antimeridian. */
export interface BoundingBox {
  readonly south: number;
  readonly west: number;
  readonly north: number;
  readonly east: number;
}

export interface OutbreakModel {
  /** Infected when the outbreak starts (at the epoch). */
  readonly initial: number;
  /** Everyone who can be infected; the count approaches it and never passes it. */
  readonly population: number;
  /** Time after the epoch when half the population is infected. */
  readonly halfTimeMs: number;
}

export const DEFAULT_OUTBREAK: OutbreakModel = {
  initial: 1,
  population: 10_000,
  halfTimeMs: 60 * 60 * 1000,
};

export interface WorldConfig {
  /** Any safe integer; the same seed gives the same town. */
  readonly seed: number;
  /** The instant the outbreak starts, in ms since the Unix epoch; agents are on their paths before it too. */
  readonly epochMs: number;
  readonly zombies: number;
  readonly survivors: number;
  readonly bounds: BoundingBox;
  readonly outbreak?: OutbreakModel;
}

export type AgentKind = 'zombie' | 'survivor';

export interface AgentPosition {
  readonly id: string;
  readonly kind: AgentKind;
  readonly lat: number;
  readonly lng: number;
}

export interface WorldSnapshot {
  readonly t: number;
  readonly zombies: readonly AgentPosition[];
  readonly survivors: readonly AgentPosition[];
  /** How many people are infected at t (see {@link outbreakCount}). */
  readonly outbreak: number;
}

interface Movement {
  /** Half the size of an agent's neighbourhood, as a share of the town's size. */
  readonly roam: number;
  readonly shortestLegMs: number;
  readonly longestLegMs: number;
}

// Zombies shamble about a small patch; survivors cover more ground, faster.
const MOVEMENT: Readonly<Record<AgentKind, Movement>> = {
  zombie: { roam: 0.12, shortestLegMs: 120_000, longestLegMs: 360_000 },
  survivor: { roam: 0.25, shortestLegMs: 40_000, longestLegMs: 120_000 },
};

// Keys that keep the generators of different purposes apart.
const KIND_KEY: Readonly<Record<AgentKind, number>> = { zombie: 1, survivor: 2 };
const AGENT_TRAITS = 0;
const WAYPOINT = 1;

/** The largest world a tracker accepts, so a slip in ZOMBIES_COUNT cannot exhaust an instance. */
export const MAX_AGENTS = 100_000;

function requireWhole(setting: string, value: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new InvalidWorldError(setting, `must be a whole number from 0 to ${max}, not ${value}`);
  }
}

function requireBounds(bounds: BoundingBox): void {
  const { south, west, north, east } = bounds;
  if (![south, west, north, east].every(Number.isFinite)) {
    throw new InvalidWorldError('bounds', 'must be four finite numbers of degrees');
  }
  if (south < -90 || north > 90 || !(south < north)) {
    throw new InvalidWorldError(
      'bounds',
      `must have -90 <= south < north <= 90, not south ${south} and north ${north}`,
    );
  }
  if (west < -180 || east > 180 || !(west < east)) {
    throw new InvalidWorldError(
      'bounds',
      `must have -180 <= west < east <= 180 (no crossing the antimeridian), not west ${west} ` +
        `and east ${east}`,
    );
  }
}

function requireOutbreak(model: OutbreakModel): void {
  requireWhole('outbreak.population', model.population, Number.MAX_SAFE_INTEGER);
  requireWhole('outbreak.initial', model.initial, model.population);
  if (!(Number.isFinite(model.halfTimeMs) && model.halfTimeMs > 0)) {
    throw new InvalidWorldError('outbreak.halfTimeMs', 'must be a positive number of milliseconds');
  }
}

/** Checks a configuration, naming the first setting that cannot make a world. */
export function validateWorldConfig(config: WorldConfig): void {
  if (!Number.isSafeInteger(config.seed)) {
    throw new InvalidWorldError('seed', `must be a safe integer, not ${config.seed}`);
  }
  if (!Number.isFinite(config.epochMs)) {
    throw new InvalidWorldError('epochMs', 'must be a finite number of milliseconds');
  }
  requireWhole('zombies', config.zombies, MAX_AGENTS);
  requireWhole('survivors', config.survivors, MAX_AGENTS);
  requireBounds(config.bounds);
  if (config.outbreak !== undefined) requireOutbreak(config.outbreak);
}

function requireTime(t: number): void {
  if (!Number.isFinite(t))
    throw new InvalidWorldError('t', 'must be a finite number of milliseconds');
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

interface Traits {
  readonly neighbourhood: BoundingBox;
  readonly legMs: number;
  /** Where in its first leg the agent is at the epoch, so agents do not all turn together. */
  readonly phaseMs: number;
}

function traits(config: WorldConfig, kind: AgentKind, index: number): Traits {
  const { bounds } = config;
  const movement = MOVEMENT[kind];
  const random = randomFor([config.seed, KIND_KEY[kind], index, AGENT_TRAITS]);
  const homeLat = bounds.south + random() * (bounds.north - bounds.south);
  const homeLng = bounds.west + random() * (bounds.east - bounds.west);
  const roamLat = movement.roam * (bounds.north - bounds.south);
  const roamLng = movement.roam * (bounds.east - bounds.west);
  const legMs =
    movement.shortestLegMs +
    Math.floor(random() * (movement.longestLegMs - movement.shortestLegMs));
  return {
    neighbourhood: {
      south: Math.max(bounds.south, homeLat - roamLat),
      north: Math.min(bounds.north, homeLat + roamLat),
      west: Math.max(bounds.west, homeLng - roamLng),
      east: Math.min(bounds.east, homeLng + roamLng),
    },
    legMs,
    phaseMs: Math.floor(random() * legMs),
  };
}

function waypoint(
  config: WorldConfig,
  kind: AgentKind,
  index: number,
  leg: number,
  area: BoundingBox,
): { lat: number; lng: number } {
  const random = randomFor([config.seed, KIND_KEY[kind], index, WAYPOINT, leg]);
  return {
    lat: area.south + random() * (area.north - area.south),
    lng: area.west + random() * (area.east - area.west),
  };
}

/**
 * Where one agent is at time t. It depends on the seed, the agent and t only, not on how
 * many other agents there are, so scaling the world up leaves existing agents in place.
 */
export function agentPosition(
  config: WorldConfig,
  kind: AgentKind,
  index: number,
  t: number,
): AgentPosition {
  validateWorldConfig(config);
  requireTime(t);
  const count = kind === 'zombie' ? config.zombies : config.survivors;
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new InvalidWorldError('agent', `${kind} ${index} does not exist (there are ${count})`);
  }
  return locate(config, kind, index, t);
}

function locate(config: WorldConfig, kind: AgentKind, index: number, t: number): AgentPosition {
  const { neighbourhood, legMs, phaseMs } = traits(config, kind, index);
  const elapsed = t - config.epochMs + phaseMs;
  const leg = Math.floor(elapsed / legMs);
  const progress = (elapsed - leg * legMs) / legMs;
  const from = waypoint(config, kind, index, leg, neighbourhood);
  const to = waypoint(config, kind, index, leg + 1, neighbourhood);
  const { bounds } = config;
  // Rounding may not push a point a hair outside the town.
  return {
    id: `${kind}-${index}`,
    kind,
    lat: clamp(from.lat + (to.lat - from.lat) * progress, bounds.south, bounds.north),
    lng: clamp(from.lng + (to.lng - from.lng) * progress, bounds.west, bounds.east),
  };
}

/**
 * How many people are infected at t: `initial` at the epoch (and before it), then an
 * S-curve, half the population at `halfTimeMs`, approaching the whole population. It
 * never goes down, and rational arithmetic (no Math.exp) keeps it identical on every engine.
 */
export function outbreakCount(
  t: number,
  epochMs: number,
  model: OutbreakModel = DEFAULT_OUTBREAK,
): number {
  requireTime(t);
  requireOutbreak(model);
  const x = Math.max(0, t - epochMs) / model.halfTimeMs;
  const share = 1 - 1 / (1 + x * x * x);
  return model.initial + Math.floor((model.population - model.initial) * share);
}

/**
 * The whole world at time t.
 *
 * @example
 * worldAt({ seed: 42, epochMs: Date.parse('2024-10-31T00:00:00Z'), zombies: 50, survivors: 20,
 *   bounds: { south: 37.76, west: -122.45, north: 37.79, east: -122.4 } }, Date.now())
 */
export function worldAt(config: WorldConfig, t: number): WorldSnapshot {
  validateWorldConfig(config);
  requireTime(t);
  const agents = (kind: AgentKind, count: number) =>
    Array.from({ length: count }, (_, index) => locate(config, kind, index, t));
  return {
    t,
    zombies: agents('zombie', config.zombies),
    survivors: agents('survivor', config.survivors),
    outbreak: outbreakCount(t, config.epochMs, config.outbreak ?? DEFAULT_OUTBREAK),
  };
}
