/**
 * Seeded pseudo-random numbers, so that the same workload options give the same messages on any machine.
 * mulberry32: 32-bit state, fast, good enough for traffic shapes (not for cryptography).
 */
export type Random = () => number;

/** A generator of uniform numbers in [0, 1) from a 32-bit integer seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exponentially distributed gap with the given rate (events per second): the gaps of a Poisson process. */
export function exponential(random: Random, ratePerSecond: number): number {
  return -Math.log(1 - random()) / ratePerSecond;
}

/** Uniform number in [min, max]. */
export function uniform(random: Random, min: number, max: number): number {
  return min + (max - min) * random();
}
