import { performance } from 'node:perf_hooks';

import { summarize, type LatencySummary } from './summarize';

/** Options of one closed-loop load run. */
export interface ClosedLoopOptions {
  /** Operations to run in total. */
  operations: number;
  /** Operations in flight at once. */
  concurrency: number;
  /** Hard stop, ms: the run ends early when it is reached. */
  maxDurationMs: number;
  /** One operation; a rejection counts as an error. */
  operation: (index: number) => Promise<unknown>;
}

/** What one closed-loop run measured. */
export interface ClosedLoopResult {
  operations: number;
  errors: number;
  durationMs: number;
  /** Completed operations per second. */
  throughput: number;
  latency: LatencySummary;
  /** Client CPU time (user + system) per operation, µs, from `process.cpuUsage`. */
  cpuPerOpUs: number;
}

/**
 * Runs `operation` with a fixed number of workers until `operations` are done or
 * `maxDurationMs` passes, measuring each operation's latency and the process's CPU time.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const latencies = new Float64Array(options.operations);
  let next = 0;
  let done = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.maxDurationMs;
  const cpuBefore = process.cpuUsage();

  const worker = async (): Promise<void> => {
    while (next < options.operations && performance.now() < deadline) {
      const index = next++;
      const t0 = performance.now();
      try {
        await options.operation(index);
      } catch {
        errors++;
      }
      latencies[done++] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));

  const durationMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    operations: done,
    errors,
    durationMs,
    throughput: (done / durationMs) * 1000,
    latency: summarize(latencies.subarray(0, done)),
    cpuPerOpUs: done === 0 ? 0 : (cpu.user + cpu.system) / done,
  };
}
