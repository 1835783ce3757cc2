import { runRatio } from './pairedRatio';

/**
 * Candidate ÷ baseline of `metric`, one ratio per mirrored pair of turns (`turnOrder`): the
 * geometric mean of the ratio in turn 2m and in turn 2m + 1, in which the two variants ran in
 * opposite orders, so that whatever favours the one that runs first (or second) — what the
 * block before left behind, a rise or fall of machine load — cancels within the pair.
 * `candidate[i]` and `baseline[i]` are the two variants' blocks of turn i of one run, whose
 * first turn is even; a pair with a block missing or cut short (`runRatio`) is left out.
 */
export function crossoverRatios<R>(
  candidate: readonly R[],
  baseline: readonly R[],
  metric: (block: R) => number,
): number[] {
  const ratios: number[] = [];
  for (let i = 0; i + 1 < Math.min(candidate.length, baseline.length); i += 2) {
    const first = runRatio(candidate[i]!, baseline[i]!, metric);
    const second = runRatio(candidate[i + 1]!, baseline[i + 1]!, metric);
    if (first !== undefined && second !== undefined) ratios.push(Math.sqrt(first * second));
  }
  return ratios;
}
