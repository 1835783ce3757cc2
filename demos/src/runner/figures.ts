/** `optimized ÷ baseline`, rounded to 2 decimals; `'n/a'` when the baseline is 0. */
export function ratio(optimized: number, baseline: number): number | string {
  return baseline === 0 ? 'n/a' : round(optimized / baseline);
}

/** The relative change `(optimized − baseline) ÷ baseline` as a signed percentage string; `'n/a'` when the baseline is 0. */
export function percentChange(optimized: number, baseline: number): string {
  if (baseline === 0) return 'n/a';
  const pct = ((optimized - baseline) / baseline) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %`;
}

/** `value` rounded to `digits` decimals (2 by default), for display. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The share `part ÷ whole` as a 0..1 fraction rounded to 3 decimals; 0 when `whole` is 0. */
export function share(part: number, whole: number): number {
  return whole === 0 ? 0 : round(part / whole, 3);
}
