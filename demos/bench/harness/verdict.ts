import type { PairedRatio } from './pairedRatio';

/** What a ratio's paired range says about its target. */
export type RangeVerdict = 'met' | 'not met' | 'within noise';

/** A target on a ratio: at least or at most `value`. */
export interface RatioTarget {
  op: '≥' | '≤';
  value: number;
}

/**
 * The verdict of a paired ratio on its target, from its paired range: `met` when the whole
 * range lies on the target's side, `not met` when it lies wholly on the other side, `within
 * noise` when it straddles the target (the run cannot tell).
 */
export function judgeRatio(r: PairedRatio, target: RatioTarget): RangeVerdict {
  const ok = (x: number): boolean => (target.op === '≥' ? x >= target.value : x <= target.value);
  if (r.pairs === 0) return 'within noise';
  if (ok(r.min) && ok(r.max)) return 'met';
  if (!ok(r.min) && !ok(r.max)) return 'not met';
  return 'within noise';
}

/** A note line: the target, the median of the paired ratios with their range, and the verdict. */
export function ratioVerdict(name: string, r: PairedRatio, target: RatioTarget): string {
  return (
    `target ${name} ${target.op} ${target.value}: median ${r.median} of ${r.pairs} paired ratios ` +
    `(range ${r.min}–${r.max}): ${judgeRatio(r, target)}`
  );
}

/**
 * A note line stating a target and whether this run met it, for a figure without paired blocks
 * (a single measurement per variant); paired ratios use `ratioVerdict`.
 */
export function verdict(target: string, met: boolean): string {
  return `target ${target}: ${met ? 'met' : 'NOT met'}`;
}
