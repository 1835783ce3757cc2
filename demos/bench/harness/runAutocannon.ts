import { execFile } from 'node:child_process';

import { UpstreamStatusError } from '@slipstream/contracts';

import type { ClosedLoopResult } from './closedLoop';

/** Options of one external autocannon run. */
export interface AutocannonOptions {
  /** The URL to GET. Required. */
  url: string;
  /** Connections kept open. Required. */
  connections: number;
  /** Length of the run, s. Required. */
  durationS: number;
  /** Requests pipelined per connection (lets one generator process load the upstream harder). Defaults to 1. */
  pipelining?: number;
}

/** The fields of autocannon's `--json` output this harness reads. */
interface AutocannonJson {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  latency: { mean: number; p50: number; p90: number; p99: number; p99_9: number; max: number };
}

/** Extra time the child may take beyond `durationS` before it is killed, ms. */
const GRACE_MS = 30_000;

/**
 * Runs autocannon in its own process (the external load generator) against `url` and returns
 * its figures in the closed-loop shape. `cpuPerOpUs` is NaN: the load generator's CPU is not
 * this process's.
 */
export function runAutocannon(options: AutocannonOptions): Promise<ClosedLoopResult> {
  const args = [
    require.resolve('autocannon'),
    '--json',
    '--connections',
    String(options.connections),
    '--duration',
    String(options.durationS),
    '--pipelining',
    String(options.pipelining ?? 1),
    options.url,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { timeout: options.durationS * 1000 + GRACE_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(new Error(`autocannon failed: ${error.message}`, { cause: error }));
        const out = JSON.parse(stdout) as AutocannonJson;
        const ok = out['2xx'];
        if (ok === 0)
          return reject(new UpstreamStatusError(0, `autocannon got no 2xx answer from ${options.url}`));
        const durationMs = out.duration * 1000;
        resolve({
          operations: ok,
          errors: out.errors + out.timeouts + out.non2xx,
          durationMs,
          throughput: (ok / durationMs) * 1000,
          latency: {
            count: ok,
            mean: out.latency.mean,
            p50: out.latency.p50,
            p90: out.latency.p90,
            p99: out.latency.p99,
            p999: out.latency.p99_9,
            max: out.latency.max,
          },
          cpuPerOpUs: Number.NaN,
          // Its CPU is another process's, not this one's.
          blocks: [{ operations: ok, durationMs, cpuUs: Number.NaN }],
        });
      },
    );
  });
}
