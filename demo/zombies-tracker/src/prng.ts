/**
 * Small seeded pseudo-random numbers that every JavaScript engine computes bit for bit
 * alike: only 32-bit integer operations (Math.imul, shifts, xor) and one division by
 * 2^32, all exactly specified, so two tracker instances (or a browser and a server)
 * never disagree.
 */

const TWO_POW_32 = 4_294_967_296;

/** splitmix32's output function: spreads every input bit over every output bit. */
export function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Hashes a list of integers into one 32-bit seed. Both 32-bit halves of each number
 * count, so seeds and counters beyond 2^32 (or negative) still give distinct streams.
 */
export function hashIntegers(values: readonly number[]): number {
  let hash = 0x6a09e667;
  for (const value of values) {
    const low = value | 0;
    const high = Math.floor(value / TWO_POW_32) | 0;
    hash = mix32(hash ^ low);
    hash = mix32(hash ^ high);
  }
  return hash;
}

/** A mulberry32 generator: each call answers the next number in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

/** A generator keyed by integers, so any draw can be reached without drawing those before it. */
export function randomFor(values: readonly number[]): () => number {
  return mulberry32(hashIntegers(values));
}
