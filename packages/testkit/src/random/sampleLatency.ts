import type { LatencySpec } from '../behaviour/Behaviour';
import type { Prng } from './createPrng';

/** Draws one latency in ms (never negative) from a latency spec. */
export function sampleLatency(spec: LatencySpec | undefined, random: Prng): number {
  if (spec === undefined) return 0;
  if (typeof spec === 'number') return spec;
  switch (spec.distribution) {
    case 'uniform':
      return spec.min + random() * (spec.max - spec.min);
    case 'normal': {
      // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return Math.max(0, spec.mean + spec.stddev * z);
    }
    case 'exponential':
      return -spec.mean * Math.log(1 - random());
  }
}
