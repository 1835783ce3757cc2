import type { Figures, ScenarioResult } from './Scenario';

const HEADERS = ['#', 'scenario', 'baseline', 'optimized', 'change', 'property'] as const;

/** The final table: one row per scenario (baseline, optimized, change, whether the property held), plus the properties. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [
    String(r.id),
    r.name,
    formatFigures(r.baseline),
    formatFigures(r.optimized),
    formatFigures(r.change),
    r.passed ? 'held' : 'FAILED',
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  const held = results.filter((r) => r.passed).length;
  const notes = results.map(
    (r) => `  ${r.id}. ${r.property}${r.error === undefined ? '' : ` — error: ${r.error}`}`,
  );
  return [
    line(HEADERS),
    rule,
    ...rows.map(line),
    rule,
    `${held}/${results.length} properties held`,
    '',
    'Properties:',
    ...notes,
    '',
  ].join('\n');
}

/** `key=value` pairs of a figures object, numbers with at most 2 decimals. */
export function formatFigures(figures: Figures): string {
  return Object.entries(figures)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v)}`)
    .join(' ');
}
