import { LatencyHistogram } from './LatencyHistogram';

/** A seeded PRNG (mulberry32), so the samples are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** n latencies log-uniform over [0.1 ms, 10 s]. */
function logUniformSamples(n: number, seed: number): Float64Array {
  const random = prng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.1 * 10 ** (5 * random());
  return out;
}

/** The exact nearest-rank percentile of sorted samples. */
function exactPercentile(sorted: Float64Array, p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

describe('LatencyHistogram', () => {
  describe('.percentile()', () => {
    it('when 100 000 latencies span 0.1 ms – 10 s, is within 1 % of the exact percentiles', () => {
      const samples = logUniformSamples(100_000, 42);
      const histogram = new LatencyHistogram();
      for (const s of samples) histogram.record(s);
      const sorted = samples.slice().sort();
      for (const p of [50, 90, 99, 99.9]) {
        const exact = exactPercentile(sorted, p);
        const relativeError = Math.abs(histogram.percentile(p) - exact) / exact;
        expect(relativeError).toBeLessThan(0.01);
      }
    });

    it('when every value is below 256 µs, keeps 1 µs resolution', () => {
      const histogram = new LatencyHistogram();
      for (let us = 100; us < 200; us++) histogram.record(us / 1_000);
      const exact = 0.149;
      expect(Math.abs(histogram.percentile(50) - exact) / exact).toBeLessThan(0.01);
    });

    it('when empty, is 0', () => {
      expect(new LatencyHistogram().percentile(99)).toBe(0);
    });

    it('when a value exceeds the range, stays clamped to the exact max', () => {
      const histogram = new LatencyHistogram();
      histogram.record(10 * 3_600_000);
      expect(histogram.percentile(100)).toBe(10 * 3_600_000);
    });
  });

  describe('.record()', () => {
    it('when negative or NaN, counts the value as 0', () => {
      const histogram = new LatencyHistogram();
      histogram.record(-5);
      histogram.record(Number.NaN);
      expect(histogram.count).toBe(2);
      expect(histogram.max).toBe(0);
      expect(histogram.min).toBe(0);
    });

    // 2 million here keeps the suite quick on a shared machine; bench/histogramMemory.ts records 10 million.
    it('when 2 million samples are recorded, does not grow the heap beyond a generous bound', () => {
      const values = logUniformSamples(1_024, 7);
      const histogram = new LatencyHistogram();
      for (let i = 0; i < 100_000; i++) histogram.record(values[i & 1023]!); // warm up (JIT)
      const before = process.memoryUsage();
      for (let i = 0; i < 2_000_000; i++) histogram.record(values[i & 1023]!);
      const after = process.memoryUsage();
      expect(histogram.count).toBe(2_100_000);
      // The counts are a fixed 26 KiB typed array; 4 MiB allows for unrelated GC noise.
      expect(after.heapUsed - before.heapUsed).toBeLessThan(4 * 1024 * 1024);
      // Same tolerance for off-heap buffers: other code in the process may allocate some meanwhile.
      expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(4 * 1024 * 1024);
    }, 120_000);
  });

  describe('.mean / .min / .max', () => {
    it('when values are recorded, are exact', () => {
      const histogram = new LatencyHistogram();
      for (const v of [1, 2, 3, 10]) histogram.record(v);
      expect(histogram.mean).toBe(4);
      expect(histogram.min).toBe(1);
      expect(histogram.max).toBe(10);
    });
  });

  describe('.merge()', () => {
    it('when two histograms merge, equals one histogram of all samples', () => {
      const samples = logUniformSamples(10_000, 3);
      const all = new LatencyHistogram();
      const a = new LatencyHistogram();
      const b = new LatencyHistogram();
      samples.forEach((s, i) => {
        all.record(s);
        (i % 2 === 0 ? a : b).record(s);
      });
      a.merge(b);
      expect(a.count).toBe(all.count);
      expect(a.mean).toBeCloseTo(all.mean, 9);
      for (const p of [1, 50, 99.9]) expect(a.percentile(p)).toBe(all.percentile(p));
    });
  });

  describe('.reset()', () => {
    it('when reset, forgets every sample', () => {
      const histogram = new LatencyHistogram();
      histogram.record(5);
      histogram.reset();
      expect(histogram.count).toBe(0);
      expect(histogram.percentile(50)).toBe(0);
      expect(histogram.max).toBe(0);
    });
  });
});
