/** A source of uniform random numbers in [0, 1), injectable so tests are deterministic. */
export type RandomSource = () => number;

/** A clock returning milliseconds; defaults to `Date.now`, which jest fake timers control. */
export type Clock = () => number;

/**
 * A seeded pseudo-random source (mulberry32): the same seed gives the same sequence.
 * For tests and simulations; production code uses `Math.random`.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
