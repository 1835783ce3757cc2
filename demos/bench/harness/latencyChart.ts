import type { SuiteResult } from './suite';

/** The latency percentiles of one variant, ms. */
export interface LatencyBars {
  /** Variant name (and inner key, for nested summaries). */
  label: string;
  /** Median latency, ms. */
  p50: number;
  /** 99th percentile, ms. */
  p99: number;
  /** 99.9th percentile, ms. */
  p999: number;
}

const ROW = 18;
const LABEL_WIDTH = 300;
const PLOT_WIDTH = 560;
/** Room right of the plot for the longest bar's printed value. */
const VALUE_WIDTH = 90;
/** The chart's title. */
export const LATENCY_CHART_TITLE = 'Latency percentiles per variant (medians over rounds)';
/** The x axis' label. */
export const LATENCY_AXIS_LABEL = 'latency, ms (log scale)';
const PERCENTILES = [
  { key: 'p50', name: 'p50', colour: '#4c78a8' },
  { key: 'p99', name: 'p99', colour: '#f58518' },
  { key: 'p999', name: 'p99.9', colour: '#e45756' },
] as const;

function isBars(value: unknown): value is { p50: number; p99: number; p999: number } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.p50 === 'number' && typeof v.p99 === 'number' && typeof v.p999 === 'number';
}

/** Every `{ p50, p99, p999 }` among a suite's results, at most two levels deep (e.g. qos's per-class summaries). */
export function latencyBarsOf(results: Record<string, unknown>): LatencyBars[] {
  const bars: LatencyBars[] = [];
  for (const [name, value] of Object.entries(results)) {
    if (isBars(value)) bars.push({ label: name, p50: value.p50, p99: value.p99, p999: value.p999 });
    else if (typeof value === 'object' && value !== null) {
      for (const [inner, v] of Object.entries(value as Record<string, unknown>)) {
        if (isBars(v)) bars.push({ label: `${name} / ${inner}`, p50: v.p50, p99: v.p99, p999: v.p999 });
      }
    }
  }
  return bars;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An SVG of the latency distributions per suite: for each variant, its p50, p99 and p99.9
 * (medians over rounds) as bars on a log-scale millisecond axis shared by the whole chart, each
 * with its value printed at its end; a title, the axis labels (variants, latency) and a legend.
 */
export function latencyChartSvg(suites: Record<string, SuiteResult>): string {
  const sections = Object.entries(suites)
    .map(([name, r]) => ({ name, bars: latencyBarsOf(r.results).filter((b) => b.p999 > 0) }))
    .filter((s) => s.bars.length > 0);
  const values = sections.flatMap((s) => s.bars.flatMap((b) => [b.p50, b.p99, b.p999])).filter((v) => v > 0);
  const lo = Math.log10(Math.min(...values, 1) / 2);
  const hi = Math.log10(Math.max(...values, 10) * 1.2);
  const x = (ms: number): number => (PLOT_WIDTH * (Math.log10(Math.max(ms, 10 ** lo)) - lo)) / (hi - lo);
  const parts: string[] = [];
  let y = 64;
  for (const section of sections) {
    parts.push(`<text x="8" y="${y}" font-weight="bold">${escape(section.name)}</text>`);
    y += 8;
    for (const bar of section.bars) {
      parts.push(`<text x="8" y="${y + ROW * 1.6}" font-size="11">${escape(bar.label)}</text>`);
      PERCENTILES.forEach((p, i) => {
        const ms = bar[p.key];
        const top = y + i * (ROW / 1.5);
        const width = x(ms);
        parts.push(
          `<rect x="${LABEL_WIDTH}" y="${top}" width="${width.toFixed(1)}" height="${(ROW / 1.5 - 2).toFixed(1)}" fill="${p.colour}"><title>${escape(bar.label)} ${p.name}: ${ms.toFixed(2)} ms</title></rect>`,
          `<text x="${(LABEL_WIDTH + width + 4).toFixed(1)}" y="${(top + ROW / 1.5 - 3).toFixed(1)}" font-size="9">${p.name} ${ms.toFixed(2)} ms</text>`,
        );
      });
      y += ROW * 2 + 4;
    }
    y += 16;
  }
  const ticks: string[] = [];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    const tx = LABEL_WIDTH + x(10 ** e);
    ticks.push(
      `<line x1="${tx}" y1="48" x2="${tx}" y2="${y}" stroke="#ddd"/><text x="${tx}" y="44" font-size="10" text-anchor="middle">${10 ** e} ms</text>`,
    );
  }
  const legend = PERCENTILES.map(
    (p, i) =>
      `<rect x="${8 + i * 70}" y="${y + 4}" width="10" height="10" fill="${p.colour}"/><text x="${22 + i * 70}" y="${y + 13}" font-size="11">${p.name}</text>`,
  ).join('');
  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
  const axes = [
    `<text x="${width / 2}" y="20" font-size="15" font-weight="bold" text-anchor="middle">${LATENCY_CHART_TITLE}</text>`,
    `<text x="${LABEL_WIDTH + PLOT_WIDTH / 2}" y="${y + 34}" font-size="12" text-anchor="middle">${LATENCY_AXIS_LABEL}</text>`,
    `<text x="8" y="44" font-size="12" font-style="italic">suite / variant</text>`,
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 44}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...axes,
    ...ticks,
    ...parts,
    legend,
    '</svg>',
    '',
  ].join('\n');
}
