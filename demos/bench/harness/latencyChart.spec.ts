import { LATENCY_AXIS_LABEL, LATENCY_CHART_TITLE, latencyBarsOf, latencyChartSvg } from './latencyChart';

describe('latencyBarsOf()', () => {
  it('finds percentile summaries at the top level and one level down', () => {
    const bars = latencyBarsOf({
      fetch: { p50: 1, p99: 2, p999: 3, throughput: 10 },
      qos: { critical: { p50: 4, p99: 5, p999: 6 }, bulkGoodput: 7 },
      eventsPerSecond: 1_000_000,
    });
    expect(bars).toEqual([
      { label: 'fetch', p50: 1, p99: 2, p999: 3 },
      { label: 'qos / critical', p50: 4, p99: 5, p999: 6 },
    ]);
  });
});

describe('latencyChartSvg()', () => {
  it('draws three bars per variant and escapes labels', () => {
    const svg = latencyChartSvg({
      http: {
        ratios: {},
        results: { 'a<b': { p50: 1, p99: 10, p999: 100 } },
        table: [],
        notes: [],
      },
      bus: { ratios: {}, results: { eventsPerSecond: 1 }, table: [], notes: [] },
    });
    expect(svg).toMatch(/^<svg /);
    expect(svg.match(/<rect x="300"/g)).toHaveLength(3);
    expect(svg).toContain('a&lt;b');
    expect(svg).not.toContain('>bus<');
    // Issue #16: a title, axis labels and the values printed, not only in tooltips.
    expect(svg).toContain(`>${LATENCY_CHART_TITLE}</text>`);
    expect(svg).toContain(`>${LATENCY_AXIS_LABEL}</text>`);
    expect(svg.match(/<text [^>]*>(p50 1\.00|p99 10\.00|p99\.9 100\.00) ms<\/text>/g)).toHaveLength(3);
  });
});
