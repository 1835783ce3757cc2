import { ConfigError, type PerformanceMetrics, type PoolStats } from '@slipstream/contracts';
import { setMaxListeners } from 'node:events';

/** What a workload is sent through: the `NetworkClient` shape measureWorkload needs. */
export interface WorkloadTarget {
  /** Sends one request; resolves with the response (any status), rejects when none arrived. */
  request(
    req: { method?: string; path: string; cluster?: string },
    opts?: { signal?: AbortSignal },
  ): Promise<{ statusCode: number }>;
  /** Measured pool stats, read before and after the run for the connection figures. */
  stats(): { pools: readonly PoolStats[] };
}

/** Abort listeners one request in flight may hold on the shared signal (admission, backoff, pool, body). */
const LISTENERS_PER_REQUEST = 4;

/** A bounded workload: one request shape, sent `requests` times by `concurrency` workers. */
export interface Workload {
  /** Path with query, e.g. `/`. */
  path: string;
  /** Cluster when no route matches the path; undefined lets the route table decide. */
  cluster?: string;
  /** Requests to send at most. */
  requests: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Hard cap on the run, ms; no new request starts after it and those in flight are aborted. */
  maxDurationMs: number;
  /**
   * Shortest run, ms: once `requests` were sent, workers go on sending until the run has lasted
   * this long (up to `MAX_REPEATS` × `requests` in all, and within `maxDurationMs`), so a fast
   * workload is measured over enough time that one GC pause does not decide it. Defaults to 0.
   */
  minDurationMs?: number;
}

/** Most times `minDurationMs` may repeat a workload's request count. */
export const MAX_REPEATS = 64;

/**
 * Sends `workload` through `target` and measures it. Bounded in count (`requests`; with
 * `minDurationMs`, up to `MAX_REPEATS` × as many) and time (`maxDurationMs`: later requests are
 * not started, in-flight ones are aborted). Definitions:
 * - `latency`, `latencyP50`, `latencyP99`: mean and nearest-rank percentiles of the time from
 *   call to settle of every request that finished (failures included), ms;
 * - `throughput`: finished requests ÷ wall-clock seconds of the run;
 * - `errorRate`: requests that were rejected or answered ≥ 500 ÷ finished requests;
 * - `availability`: 1 − errorRate;
 * - `efficiency`: 1 − connections created ÷ requests dispatched over the run, from the pools'
 *   counters before and after (0 when no request reached a pool);
 * - `requests`: finished requests; `durationMs`: the run's wall-clock length.
 */
export async function measureWorkload(
  target: WorkloadTarget,
  workload: Workload,
): Promise<PerformanceMetrics> {
  for (const key of ['requests', 'concurrency', 'maxDurationMs'] as const) {
    if (!Number.isInteger(workload[key]) || workload[key] < 1) {
      throw new ConfigError([{ path: key, expected: 'an integer ≥ 1', received: String(workload[key]) }]);
    }
  }
  const minDurationMs = workload.minDurationMs ?? 0;
  if (!(Number.isFinite(minDurationMs) && minDurationMs >= 0)) {
    throw new ConfigError([
      { path: 'minDurationMs', expected: 'a number of ms ≥ 0', received: String(minDurationMs) },
    ]);
  }
  const poolsBefore = poolTotals(target.stats().pools);
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  const abort = new AbortController();
  // One signal is shared by every worker, and a request in flight listens on it at each stage
  // (admission, retry backoff, pool), so more than Node's default 10 listeners is expected here.
  setMaxListeners(LISTENERS_PER_REQUEST * workload.concurrency, abort.signal);
  const start = performance.now();
  const cap = setTimeout(() => abort.abort(), workload.maxDurationMs);
  cap.unref();
  const req = { method: 'GET', path: workload.path, cluster: workload.cluster };
  const most = workload.requests * (minDurationMs > 0 ? MAX_REPEATS : 1);
  const more = (): boolean =>
    started < workload.requests || (started < most && performance.now() - start < minDurationMs);
  const worker = async (): Promise<void> => {
    while (more() && !abort.signal.aborted) {
      started++;
      const sent = performance.now();
      try {
        const response = await target.request(req, { signal: abort.signal });
        if (response.statusCode >= 500) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - sent);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(workload.concurrency, workload.requests) }, worker));
  } finally {
    clearTimeout(cap);
  }
  const durationMs = performance.now() - start;
  const poolsAfter = poolTotals(target.stats().pools);
  const dispatched = poolsAfter.requests - poolsBefore.requests;
  const created = poolsAfter.connectionsCreated - poolsBefore.connectionsCreated;
  const finished = latencies.length;
  const errorRate = finished > 0 ? errors / finished : 0;
  latencies.sort((a, b) => a - b);
  return {
    latency: finished > 0 ? latencies.reduce((sum, ms) => sum + ms, 0) / finished : 0,
    latencyP50: nearestRank(latencies, 50),
    latencyP99: nearestRank(latencies, 99),
    throughput: durationMs > 0 ? finished / (durationMs / 1_000) : 0,
    errorRate,
    availability: 1 - errorRate,
    efficiency: dispatched > 0 ? Math.min(1, Math.max(0, 1 - created / dispatched)) : 0,
    requests: finished,
    durationMs,
  };
}

function poolTotals(pools: readonly PoolStats[]): { requests: number; connectionsCreated: number } {
  let requests = 0;
  let connectionsCreated = 0;
  for (const pool of pools) {
    requests += pool.requests;
    connectionsCreated += pool.connectionsCreated;
  }
  return { requests, connectionsCreated };
}

/** Nearest-rank percentile of ascending `sorted`; 0 when empty. */
function nearestRank(sorted: readonly number[], percentile: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((percentile / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
