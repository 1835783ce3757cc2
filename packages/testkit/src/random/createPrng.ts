/** A uniform pseudo-random source in [0, 1). */
export type Prng = () => number;

/**
 * A seeded PRNG (mulberry32): the same seed gives the same sequence, so injected error rates
 * and latency distributions are reproducible.
 */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
