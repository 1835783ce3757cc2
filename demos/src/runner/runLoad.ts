/** Options of `runLoad`. */
export interface LoadOptions {
  /** Operations to run in total. Required. */
  count: number;
  /** Operations in flight at once. Defaults to 8. */
  concurrency?: number;
  /** Stop starting new operations after this long, ms. Defaults to 20_000 ms. */
  maxDurationMs?: number;
  /** Stops starting new operations when aborted. */
  signal?: AbortSignal;
}

/** What a bounded load run measured. */
export interface LoadResult {
  /** Operations started. */
  started: number;
  /** Operations that resolved. */
  succeeded: number;
  /** Operations that rejected. */
  failed: number;
  /** Wall-clock time of the run, ms. */
  durationMs: number;
  /** Succeeded operations per second of wall-clock time. */
  throughput: number;
  /** Mean latency of succeeded operations, ms. */
  latencyMeanMs: number;
  /** 99th-percentile latency of succeeded operations, ms. */
  latencyP99Ms: number;
  /** The errors, in order of completion. */
  errors: unknown[];
}

const DEFAULTS = Object.freeze({ concurrency: 8, maxDurationMs: 20_000 });

/**
 * Runs `op(i)` for i = 0..count-1 with bounded concurrency, stopping early (nothing new started)
 * after `maxDurationMs` or on abort, and measures every operation.
 */
export async function runLoad(
  options: LoadOptions,
  op: (i: number) => Promise<unknown>,
): Promise<LoadResult> {
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  const maxDurationMs = options.maxDurationMs ?? DEFAULTS.maxDurationMs;
  const start = performance.now();
  const deadline = start + maxDurationMs;
  const latencies: number[] = [];
  const errors: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.count && performance.now() < deadline && !options.signal?.aborted) {
      const i = next++;
      const t0 = performance.now();
      try {
        await op(i);
        latencies.push(performance.now() - t0);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, options.count) }, worker));
  const durationMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  const mean = latencies.length === 0 ? 0 : latencies.reduce((s, v) => s + v, 0) / latencies.length;
  return {
    started: next,
    succeeded: latencies.length,
    failed: errors.length,
    durationMs,
    throughput: durationMs > 0 ? (latencies.length * 1_000) / durationMs : 0,
    latencyMeanMs: mean,
    latencyP99Ms: percentile(latencies, 0.99),
    errors,
  };
}

/** The q-quantile (0..1) of ascending `sorted` values by nearest rank; 0 when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
