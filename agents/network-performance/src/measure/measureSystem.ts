import type { EndpointMeasurement, PoolQueueing, SystemMeasurement } from '@slipstream/contracts';
import type { NetworkClient, NetworkClientStats } from '@slipstream/client';
import { measureWorkload, type Workload } from './measureWorkload';

/** Period of the pool samples taken while the probe runs, ms. */
export const POOL_SAMPLE_MS = 2;

/** Equal spans of time the pass is cut into for each endpoint's latency (`sliceLatencyMs`). */
export const LATENCY_SLICES = 10;

/** The endpoints' answer counters at one sample: when, and per endpoint [answers, their total ms]. */
interface LatencyTick {
  at: number;
  endpoints: Map<string, [number, number]>;
}

/** Running sums of one origin's pool samples. */
interface PoolSums {
  samples: number;
  queuedSamples: number;
  queued: number;
  running: number;
  peakDemand: number;
}

/**
 * Runs `workload` through `client` once (the probe) and measures the system meanwhile: every
 * `POOL_SAMPLE_MS` each origin's pool (requests waiting for a slot, in flight, against the
 * pool's limit `limit`) and each endpoint's answer counters (for its latency per tenth of the
 * pass, `sliceLatencyMs`), and, from the client's counters before and after, each endpoint's
 * requests and failures, breaker opens and closes, QoS admissions, sheds and queue timeouts,
 * batches and calls. See `SystemMeasurement` for every field.
 */
export async function measureSystem(
  client: NetworkClient,
  workload: Workload,
  limit: number,
): Promise<SystemMeasurement> {
  const before = client.stats();
  const sums = new Map<string, PoolSums>();
  const ticks: LatencyTick[] = [latencyTick(before)];
  const sample = (): void => {
    const stats = client.stats();
    ticks.push(latencyTick(stats));
    for (const pool of stats.pools) {
      const s = sums.get(pool.origin) ?? {
        samples: 0,
        queuedSamples: 0,
        queued: 0,
        running: 0,
        peakDemand: 0,
      };
      const inflight = pool.running + pool.pending;
      s.samples++;
      if (pool.queued > 0) s.queuedSamples++;
      s.queued += pool.queued;
      s.running += inflight;
      s.peakDemand = Math.max(s.peakDemand, inflight + pool.queued);
      sums.set(pool.origin, s);
    }
  };
  const sampler = setInterval(sample, POOL_SAMPLE_MS);
  let metrics;
  try {
    metrics = await measureWorkload(client, workload);
  } finally {
    clearInterval(sampler);
  }
  const after = client.stats();
  ticks.push(latencyTick(after));
  const pools: PoolQueueing[] = [...sums].map(([origin, s]) => ({
    origin,
    limit,
    samples: s.samples,
    queuedShare: s.queuedSamples / s.samples,
    queuedMean: s.queued / s.samples,
    saturation: Math.min(1, s.running / s.samples / limit),
    peakDemand: s.peakDemand,
  }));
  const deltas = counterDeltas(before, after);
  const endpoints = deltas.endpoints.map((e) => ({
    ...e,
    sliceLatencyMs: sliceLatency(ticks, endpointKey(e.cluster, e.origin)),
  }));
  return { workload: metrics, pools, ...deltas, endpoints };
}

/** The key of an endpoint in a `LatencyTick`. */
function endpointKey(cluster: string, origin: string): string {
  return `${cluster} ${origin}`;
}

/** Every endpoint's answer counters in `stats`, stamped now. */
function latencyTick(stats: NetworkClientStats): LatencyTick {
  const endpoints = new Map<string, [number, number]>();
  for (const c of stats.clusters) {
    for (const e of c.endpoints)
      endpoints.set(endpointKey(c.cluster, e.origin), [e.latencySamples, e.latencyTotalMs]);
  }
  return { at: performance.now(), endpoints };
}

/**
 * One endpoint's mean answer time in each of `LATENCY_SLICES` equal spans between the first
 * and the last tick, from the counters at the last tick at or before each span's bounds.
 */
function sliceLatency(ticks: readonly LatencyTick[], key: string): (number | null)[] {
  const first = ticks[0]!.at;
  const span = (ticks[ticks.length - 1]!.at - first) / LATENCY_SLICES;
  const counters = (at: number): [number, number] => {
    let i = ticks.length - 1;
    while (i > 0 && ticks[i]!.at > at) i--;
    return ticks[i]!.endpoints.get(key) ?? [0, 0];
  };
  const slices: (number | null)[] = [];
  let [answers, totalMs] = counters(first);
  for (let s = 1; s <= LATENCY_SLICES; s++) {
    const [a, t] = s === LATENCY_SLICES ? counters(Infinity) : counters(first + s * span);
    slices.push(a > answers ? (t - totalMs) / (a - answers) : null);
    [answers, totalMs] = [a, t];
  }
  return slices;
}

/** The counter differences of `SystemMeasurement` between two stats readings. */
function counterDeltas(
  before: NetworkClientStats,
  after: NetworkClientStats,
): Omit<SystemMeasurement, 'workload' | 'pools' | 'endpoints'> & {
  endpoints: Omit<EndpointMeasurement, 'sliceLatencyMs'>[];
} {
  const endpoints = after.clusters.flatMap((c) =>
    c.endpoints.map((e) => {
      const prior = before.clusters
        .find((b) => b.cluster === c.cluster)
        ?.endpoints.find((b) => b.origin === e.origin);
      const requests = e.requests - (prior?.requests ?? 0);
      const failures = e.failures - (prior?.failures ?? 0);
      const samples = e.latencySamples - (prior?.latencySamples ?? 0);
      const totalMs = e.latencyTotalMs - (prior?.latencyTotalMs ?? 0);
      return {
        cluster: c.cluster,
        origin: e.origin,
        requests,
        failures,
        errorRate: requests > 0 ? failures / requests : 0,
        ewmaMs: e.ewmaMs,
        latencyMs: samples > 0 ? totalMs / samples : 0,
      };
    }),
  );
  const breakers = after.breakers
    .map((b) => {
      const prior = before.breakers.find((p) => p.endpoint === b.endpoint && p.cluster === b.cluster);
      const delta = {
        endpoint: b.endpoint,
        opens: b.opens - (prior?.opens ?? 0),
        closes: b.closes - (prior?.closes ?? 0),
      };
      return b.cluster === undefined ? delta : { ...delta, cluster: b.cluster };
    })
    .filter((b) => b.opens > 0 || b.closes > 0);
  const qos = Object.entries(after.routing.classes).map(([name, c]) => {
    const prior = before.routing.classes[name];
    return {
      class: name,
      admitted: c.admitted - (prior?.admitted ?? 0),
      shed: c.shed - (prior?.shed ?? 0),
      timedOut: (c.timedOut ?? 0) - (prior?.timedOut ?? 0),
      rateLimited: (c.rateLimited ?? 0) - (prior?.rateLimited ?? 0),
    };
  });
  const batching = Object.entries(after.batching).map(([cluster, b]) => {
    const prior = before.batching[cluster];
    const batches = b.batchesSent - (prior?.batchesSent ?? 0);
    const calls = b.callsSent - (prior?.callsSent ?? 0);
    return { cluster, batches, calls, meanBatchSize: batches > 0 ? calls / batches : 0 };
  });
  return { endpoints, breakers, qos, batching };
}
