import type { Figures, ScenarioResult } from './Scenario';
import { OUTPUT_WIDTH, wrapText } from './wrapText';

/** Labels of a block's lines, padded to one width. */
const LABEL = {
  baseline: 'baseline',
  optimized: 'optimized',
  change: 'change',
  property: 'property',
  error: 'error',
};
const LABEL_WIDTH = Math.max(...Object.values(LABEL).map((l) => l.length)) + 2;

/**
 * The results for a terminal, no line wider than `width`: one block per scenario (what ran and
 * its verdict, the baseline and optimized figures, the change, the property it was decided on),
 * then the count of properties that held. `--json` keeps the full record.
 */
export function formatResults(results: readonly ScenarioResult[], width: number = OUTPUT_WIDTH): string {
  const blocks = results.map((r) => {
    const head = `${r.id}. ${r.name}: ${r.passed ? 'held' : 'FAILED'} in ${(r.durationMs / 1_000).toFixed(1)} s`;
    const row = (label: string, text: string): string[] =>
      text === '' ? [] : wrapText(`   ${label.padEnd(LABEL_WIDTH)}`, text, width);
    return [
      ...wrapText('', head, width),
      ...row(LABEL.baseline, formatFigures(r.baseline)),
      ...row(LABEL.optimized, formatFigures(r.optimized)),
      ...row(LABEL.change, formatFigures(r.change)),
      ...row(LABEL.property, r.property),
      ...row(LABEL.error, r.error ?? ''),
    ].join('\n');
  });
  const held = results.filter((r) => r.passed).length;
  return [...blocks, `${held}/${results.length} properties held`, ''].join('\n\n').replace(/\n\n$/, '\n');
}

/** `key=value` pairs of a figures object, numbers with at most 2 decimals. */
export function formatFigures(figures: Figures): string {
  return Object.entries(figures)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v)}`)
    .join(' ');
}
