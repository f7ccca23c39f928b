import { TOWN_BOUNDS } from './protocol.js';
import type { WorldConfig } from './world.js';

/**
 * The outbreak starts at a fixed instant rather than at server start: every instance,
 * whenever it was started, must compute the same world.
 */
export const OUTBREAK_EPOCH_MS = Date.parse('2024-10-31T00:00:00Z');

export const DEFAULT_ZOMBIES = 200;
export const DEFAULT_SURVIVORS = 60;

export function townWorld(seed: number, zombies: number, survivors: number): WorldConfig {
  return { seed, epochMs: OUTBREAK_EPOCH_MS, zombies, survivors, bounds: TOWN_BOUNDS };
}
