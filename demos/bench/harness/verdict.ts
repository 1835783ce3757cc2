import { describeInterval, ratioSummary, type PairedRatio } from './pairedRatio';

/** What a ratio's paired range says about its target. */
export type RangeVerdict = 'met' | 'not met' | 'within noise';

/** A target on a ratio or a figure: at least, at most, or below `value` (strictly). */
export interface RatioTarget {
  op: '≥' | '≤' | '<';
  value: number;
}

/**
 * The verdict of a paired ratio on its target, as issue #14 defines it: `met` when the paired range
 * [min, max] lies wholly on the target's side, `not met` when it lies wholly on the other side,
 * `within noise` when it straddles the target (the run cannot tell). Not the median's confidence
 * interval, though it is printed beside: the http suite run twice in a row agreed on every verdict by
 * the range, and disagreed on one by the interval widened to the rounds' medians (pooled ÷ new
 * connection ≥ 4: medians 3.78 and 3.79; one round's median of 4.10 made the first "within noise",
 * the second "not met"). A range only widens as pairs are added, so it errs towards "within noise",
 * never towards a verdict the noise could flip.
 */
export function judgeRatio(r: PairedRatio, target: RatioTarget): RangeVerdict {
  const ok = (x: number): boolean =>
    target.op === '≥' ? x >= target.value : target.op === '≤' ? x <= target.value : x < target.value;
  if (r.pairs === 0) return 'within noise';
  if (ok(r.min) && ok(r.max)) return 'met';
  if (!ok(r.min) && !ok(r.max)) return 'not met';
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
