/**
 * Records 10 million latencies into one LatencyHistogram and reports the heap growth and
 * the cost per record. Run: `node --expose-gc -r tsx/cjs packages/monitor/bench/histogramMemory.ts`.
 */
import { LatencyHistogram } from '../src/histogram/LatencyHistogram';

const SAMPLES = 10_000_000;
const gc = (globalThis as { gc?: () => void }).gc;
const values = new Float64Array(1_024);
for (let i = 0; i < values.length; i++) values[i] = 0.1 * 10 ** ((5 * i) / values.length);

const histogram = new LatencyHistogram();
for (let i = 0; i < 100_000; i++) histogram.record(values[i & 1023]!);
gc?.();
const before = process.memoryUsage().heapUsed;
const start = process.hrtime.bigint();
for (let i = 0; i < SAMPLES; i++) histogram.record(values[i & 1023]!);
const elapsedNs = Number(process.hrtime.bigint() - start);
gc?.();
const after = process.memoryUsage().heapUsed;

console.log(
  JSON.stringify({
    samples: SAMPLES,
    histogramBytes: LatencyHistogram.BYTES,
    heapGrowthBytes: after - before,
    gcExposed: gc !== undefined,
    nsPerRecord: Math.round((elapsedNs / SAMPLES) * 10) / 10,
    p99Ms: histogram.percentile(99),
  }),
);
