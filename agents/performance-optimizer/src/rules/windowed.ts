import type { Observation } from './OptimizerRule';

/** The growth of a cumulative counter between the previous snapshot and this one (0 without a previous). */
export function windowed(obs: Observation, read: (s: Observation['snapshot']) => number): number {
  return obs.previous ? Math.max(0, read(obs.snapshot) - read(obs.previous)) : 0;
}

/** Sum of a field over a list. */
export function sum<T>(items: readonly T[], field: (item: T) => number): number {
  return items.reduce((total, item) => total + field(item), 0);
}
