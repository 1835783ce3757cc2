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

/** What one block of a load measured (a plain closed-loop run is one block). */
export interface BlockResult {
  operations: number;
  durationMs: number;
  /** Client CPU time (user + system) spent in the block, µs. */
  cpuUs: number;
  /** CPU time the process serving the load spent in the block, µs, when the load names it (`peerCpuUs`). */
  peerCpuUs?: number;
}

/** What one closed-loop run measured. */
export interface ClosedLoopResult {
  operations: number;
  errors: number;
  /** The first failure's error, when there was one (what a failed run reports). */
  firstError?: unknown;
  durationMs: number;
  /** Operations per second that succeeded (a failed or shed one is no throughput). */
  throughput: number;
  latency: LatencySummary;
  /** Client CPU time (user + system) per operation, µs, from `process.cpuUsage`. */
  cpuPerOpUs: number;
  /** Its blocks, in the order they ran. */
  blocks: BlockResult[];
}

/**
 * The running tally of one load: latencies so far, errors, and the wall and CPU time spent
 * in its blocks. `runBlock` adds to it; `result` reads it as a `ClosedLoopResult`.
 */
export class LoadTally {
  readonly latencies: Float64Array;
  done = 0;
  errors = 0;
  firstError: unknown = undefined;
  durationMs = 0;
  cpuUs = 0;
  readonly blocks: BlockResult[] = [];

  constructor(
    /** Operations the load may run in total. */
    readonly operations: number,
  ) {
    this.latencies = new Float64Array(operations);
  }

  /** Operations not yet run. */
  get remaining(): number {
    return this.operations - this.done;
  }

  /** The tally as a closed-loop result. */
  result(): ClosedLoopResult {
    return {
      operations: this.done,
      errors: this.errors,
      firstError: this.firstError,
      durationMs: this.durationMs,
      throughput: this.durationMs === 0 ? 0 : ((this.done - this.errors) / this.durationMs) * 1000,
      latency: summarize(this.latencies.subarray(0, this.done)),
      cpuPerOpUs: this.done === 0 ? 0 : this.cpuUs / this.done,
      blocks: this.blocks,
    };
  }
}

/**
 * Runs up to `count` more operations of `tally`'s load with `concurrency` workers, stopping
 * early at `deadline` (a `performance.now()` time), and adds their latencies, errors and the
 * block's wall and CPU time to `tally` (and the block to its `blocks`); with `peerCpuUs` (the CPU
 * time used so far by the process serving the load, µs), the block records that process's CPU too.
 */
export async function runBlock(
  tally: LoadTally,
  count: number,
  concurrency: number,
  deadline: number,
  operation: (index: number) => Promise<unknown>,
  peerCpuUs?: () => number,
): Promise<void> {
  const first = tally.done;
  const end = first + Math.min(count, tally.remaining);
  let next = first;
  const peerBefore = peerCpuUs?.();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (next < end && performance.now() < deadline) {
      const index = next++;
      const t0 = performance.now();
      try {
        await operation(index);
      } catch (err) {
        if (tally.errors++ === 0) tally.firstError = err;
      }
      tally.latencies[tally.done++] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  const block: BlockResult = {
    operations: tally.done - first,
    durationMs: performance.now() - started,
    cpuUs: cpu.user + cpu.system,
  };
  if (peerBefore !== undefined) block.peerCpuUs = peerCpuUs!() - peerBefore;
  tally.blocks.push(block);
  tally.durationMs += block.durationMs;
  tally.cpuUs += block.cpuUs;
}

/**
 * Runs `operation` with a fixed number of workers until `operations` are done or
 * `maxDurationMs` passes, measuring each operation's latency and the process's CPU time.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const tally = new LoadTally(options.operations);
  const deadline = performance.now() + options.maxDurationMs;
  await runBlock(tally, options.operations, options.concurrency, deadline, options.operation);
  return tally.result();
}
