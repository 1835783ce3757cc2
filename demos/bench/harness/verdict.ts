import { describeInterval, ratioSummary, type PairedRatio } from './pairedRatio';

/** What a ratio's paired range says about its target. */
export type RangeVerdict = 'met' | 'not met' | 'within noise';

/** A target on a ratio or a figure: at least, at most, or below `value` (strictly). */
export interface RatioTarget {
  op: '≥' | '≤' | '<';
  value: number;
}

/**
 * The verdict of a paired ratio on its target: `met` when the median's confidence interval,
 * widened to the rounds' own medians when the pairs came from several rounds, lies wholly on
 * the target's side, `not met` when it lies wholly on the other side, `within noise` when it
 * straddles the target (the run cannot tell). The rounds' medians count because load from
 * other processes changes between rounds, and a figure it moves across the target (say, under
 * load 5 in one round and 8 in the next) would otherwise be met in one run and not met in the
 * next. The paired range [min, max] is not used: it only widens as pairs are added, so more
 * pairs would make a verdict less likely, and one outlier pair flips it.
 */
export function judgeRatio(r: PairedRatio, target: RatioTarget): RangeVerdict {
  const ok = (x: number): boolean =>
    target.op === '≥' ? x >= target.value : target.op === '≤' ? x <= target.value : x < target.value;
  if (r.pairs === 0) return 'within noise';
  const low = Math.min(r.low, r.rounds?.low ?? r.low);
  const high = Math.max(r.high, r.rounds?.high ?? r.high);
  if (ok(low) && ok(high)) return 'met';
  if (!ok(low) && !ok(high)) return 'not met';
  return 'within noise';
}

/** A note line: the target, the median of the paired ratios with its interval and range, and the verdict. */
export function ratioVerdict(name: string, r: PairedRatio, target: RatioTarget): string {
  return verdictLine(name, r, 'paired ratios', target);
}

/**
 * A note line for a figure with an absolute target (say, events/s) measured once in each of
 * several rounds, with no baseline to pair it with: the median of the rounds' values with its
 * interval and range, judged as `judgeRatio` judges a paired ratio.
 */
export function roundsVerdict(name: string, values: readonly number[], target: RatioTarget): string {
  return verdictLine(name, ratioSummary(values), 'rounds', target);
}

/** "target <name> <op> <value>: median <m> of <n> <counted> (<interval>): <verdict>". */
function verdictLine(name: string, r: PairedRatio, counted: string, target: RatioTarget): string {
  return (
    `target ${name} ${target.op} ${target.value}: median ${r.median} of ${r.pairs} ${counted} ` +
    `(${describeInterval(r)}): ${judgeRatio(r, target)}`
  );
}

/**
 * A note line stating a target and whether this run met it, for a figure measured once (a
 * single run, so no interval to judge); figures measured over rounds use `ratioVerdict` or
 * `roundsVerdict`.
 */
export function verdict(target: string, met: boolean): string {
  return `target ${target}: ${met ? 'met' : 'NOT met'}`;
}
