export * from './errors.js';
export * from './prng.js';
export * from './world.js';
