import {
  comparePaired,
  type EndpointMeasurement,
  type PairedComparison,
  type AdvancedRoutingConfig,
  type CircuitBreakerConfig,
  type ConnectionPoolingConfig,
  type LoadBalancingConfig,
  type PlannedChange,
  type RequestBatchingConfig,
  type SystemMeasurement,
} from '@slipstream/contracts';
import type { ClientClusterConfig } from '@slipstream/client';

/** The settings in force that the planner reads and may change. */
export interface OptimizationInput {
  /** What the probe measured (`measureSystem`). */
  measurement: SystemMeasurement;
  /** Pool settings in force. */
  pool: Readonly<Required<ConnectionPoolingConfig>>;
  /** Cluster configs in force. */
  clusters: readonly ClientClusterConfig[];
  /** Breaker reset in force for every cluster, ms. */
  breakerResetMs: number;
  /** Batch flush delay in force, ms. */
  batchDelayMs: number;
  /** QoS concurrency settings in force (`enabled: false`: a fixed limit of `initialLimit`). */
  concurrency: { enabled: boolean; initialLimit: number; maxLimit: number };
}

/**
 * A configure call: what one planned change (or its undoing) sends. A cluster patch names only
 * the fields it changes (the rest keep their value in force), so two changes of one cluster —
 * its algorithm and its ejection — do not undo each other.
 */
export type ConfigPatch =
  | { pooling: ConnectionPoolingConfig }
  | { cluster: LoadBalancingConfig }
  | { breaker: CircuitBreakerConfig }
  | { batching: RequestBatchingConfig }
  | { routing: AdvancedRoutingConfig };

/** A planned change with the configure calls that apply and undo it. */
export interface PlannedStep {
  change: PlannedChange;
  apply: ConfigPatch;
  undo: ConfigPatch;
}

/** The planner's triggers and bounds (units in their names). */
export const PLAN_THRESHOLDS = Object.freeze({
  /** Pool rule: share of samples with a request waiting for a slot. */
  queuedShare: 0.25,
  /** Pool rule: mean in flight ÷ limit (the pool is full while requests wait). */
  saturation: 0.9,
  /** Pool rule: most connections per origin it sets. */
  maxConnections: 256,
  /** Shed rule: share of a class's requests shed (queue timeouts included, rate-limit refusals not) … */
  shedShare: 0.05,
  /** … and at least this many of them. */
  minShed: 5,
  /** Spread rule: slowest ÷ fastest endpoint's mean answer time during the probe. */
  latencySpread: 3,
  /** Spread and error rules: fewest requests per endpoint during the probe. */
  minEndpointRequests: 20,
  /** Error rule: an endpoint's error rate … */
  endpointErrorRate: 0.25,
  /** … while the rest of its cluster stays below this. */
  healthyErrorRate: 0.05,
  /** Error rule: consecutive failures that eject, set when the one in force is higher. */
  ejectAfterFailures: 3,
  /** Flap rule: breaker opens of one endpoint during the probe. */
  breakerOpens: 3,
  /** Flap rule: longest breaker reset it sets, ms. */
  maxBreakerResetMs: 300_000,
  /** Batch rule: fewest batches during the probe. */
  minBatches: 10,
  /** Batch rule: calls per batch below which batches are under-filled. */
  smallBatch: 2,
  /** Batch rule: flush delay step and cap, ms. */
  batchStepMs: 2,
  maxBatchDelayMs: 20,
});

/** Algorithms that ignore endpoint latency, which the spread rule moves off. */
const LATENCY_BLIND = new Set(['round-robin', 'random']);
/** Outlier ejection default of the balancer (consecutive failures). */
const DEFAULT_EJECT_AFTER = 5;

/**
 * The changes the measurement motivates, each naming its measurement, value and threshold
 * (`PLAN_THRESHOLDS`). Nothing measured past a threshold → an empty plan. Rules:
 * - pool queueing: an origin whose requests waited for a slot in ≥ `queuedShare` of the samples
 *   while the pool was ≥ `saturation` full → connections per origin = the largest peak demand
 *   (in flight + waiting) over the origins ÷ pipelining, up to `maxConnections`;
 * - latency spread: a cluster on a latency-blind algorithm whose slowest endpoint's mean answer
 *   time during the probe is ≥ `latencySpread` × its fastest's (each with ≥ `minEndpointRequests`),
 *   and slower span by span, not by one burst (`lastingSpread`: in all or all but one of the
 *   spans where it answered, the sign test of `comparePaired`) → `p2c-peak-ewma`;
 * - endpoint errors: an endpoint failing ≥ `endpointErrorRate` of its requests while the rest of
 *   its cluster fails < `healthyErrorRate` → outlier ejection after `ejectAfterFailures`
 *   consecutive failures (when it ejects later now);
 * - breaker flapping: a breaker that opened ≥ `breakerOpens` times → breaker reset doubled;
 * - batch fill: ≥ `minBatches` batches of fewer than `smallBatch` calls → flush delay
 *   + `batchStepMs`, up to `maxBatchDelayMs`.
 * - sheds: a QoS class that had ≥ `shedShare` (and ≥ `minShed`) of its requests shed or timed out
 *   in its queue (its rate limit's refusals left out: they are its policy) under a fixed
 *   concurrency limit (adaptive concurrency off): the limit is what refused them → the limit
 *   doubled, up to its `maxLimit`. Under the adaptive limit a request is shed only once the
 *   upstream's latency rose with load, which no setting of the sidecar removes: nothing is
 *   planned for those.
 */
export function planOptimizations(input: OptimizationInput): PlannedStep[] {
  return [
    ...poolRule(input),
    ...shedRule(input),
    ...spreadRule(input),
    ...errorRule(input),
    ...flapRule(input),
    ...batchRule(input),
  ];
}

function poolRule({ measurement, pool }: OptimizationInput): PlannedStep[] {
  const t = PLAN_THRESHOLDS;
  const queued = measurement.pools.filter(
    (p) => p.queuedShare >= t.queuedShare && p.saturation >= t.saturation,
  );
  if (queued.length === 0) return [];
  const worst = queued.reduce((a, b) => (b.queuedShare > a.queuedShare ? b : a));
  const demand = Math.max(...queued.map((p) => p.peakDemand));
  const to = Math.min(t.maxConnections, Math.ceil(demand / pool.pipelining));
  if (to <= pool.connections) return [];
  return [
    {
      change: {
        setting: 'pool.connections',
        from: pool.connections,
        to,
        motivation: {
          measurement: `pool.queuedShare ${worst.origin}`,
          value: worst.queuedShare,
          threshold: t.queuedShare,
          comparator: '≥',
          finding:
            `requests waited for a slot in ${pct(worst.queuedShare)} of ${worst.samples} samples ` +
            `(mean ${worst.queuedMean.toFixed(1)} waiting) with the pool ${pct(worst.saturation)} full; ` +
            `peak demand ${demand}`,
        },
      },
      apply: { pooling: { connections: to } },
      undo: { pooling: { connections: pool.connections } },
    },
  ];
}

function shedRule({ measurement, concurrency }: OptimizationInput): PlannedStep[] {
  const t = PLAN_THRESHOLDS;
  if (concurrency.enabled) return [];
  const shedding = measurement.qos
    .map((c) => {
      const shed = c.shed - c.rateLimited;
      return { ...c, shed, share: shed / Math.max(1, c.admitted + shed) };
    })
    .filter((c) => c.shed >= t.minShed && c.share >= t.shedShare);
  if (shedding.length === 0) return [];
  const worst = shedding.reduce((a, b) => (b.share > a.share ? b : a));
  const from = concurrency.initialLimit;
  const to = Math.min(concurrency.maxLimit, 2 * from);
  if (to <= from) return [];
  return [
    {
      change: {
        setting: 'routing.adaptiveConcurrency.initialLimit',
        from,
        to,
        motivation: {
          measurement: `qos.shedShare ${worst.class}`,
          value: worst.share,
          threshold: t.shedShare,
          comparator: '≥',
          finding:
            `${worst.shed} of ${worst.admitted + worst.shed} requests of class ${worst.class} were shed ` +
            `(${worst.timedOut} after their queue timeout) under the fixed concurrency limit of ${from}`,
        },
      },
      apply: { routing: { adaptiveConcurrency: { initialLimit: to } } },
      undo: { routing: { adaptiveConcurrency: { initialLimit: from } } },
    },
  ];
}

function spreadRule({ measurement, clusters }: OptimizationInput): PlannedStep[] {
  const t = PLAN_THRESHOLDS;
  const steps: PlannedStep[] = [];
  for (const cluster of clusters) {
    const algorithm = cluster.algorithm ?? 'p2c-peak-ewma';
    if (!LATENCY_BLIND.has(algorithm)) continue;
    const measured = measurement.endpoints.filter(
      (e) => e.cluster === cluster.cluster && e.requests >= t.minEndpointRequests && e.latencyMs > 0,
    );
    if (measured.length < 2) continue;
    const fast = measured.reduce((a, b) => (b.latencyMs < a.latencyMs ? b : a));
    const slowest = measured.reduce((a, b) => (b.latencyMs > a.latencyMs ? b : a));
    const spread = slowest.latencyMs / fast.latencyMs;
    if (spread < t.latencySpread) continue;
    // A burst that hit one endpoint (a GC pause, a cold connection) moves its mean too; a
    // lasting difference shows span by span, which the sign test of the A/B tells apart.
    const lasting = lastingSpread(fast, slowest);
    if (lasting.verdict !== 'improved') continue;
    steps.push({
      change: {
        setting: `cluster.${cluster.cluster}.algorithm`,
        from: algorithm,
        to: 'p2c-peak-ewma',
        motivation: {
          measurement: `endpoint.latencySpread ${cluster.cluster}`,
          value: spread,
          threshold: t.latencySpread,
          comparator: '≥',
          finding:
            `${slowest.origin} answers in ${slowest.latencyMs.toFixed(1)} ms on average, the fastest in ` +
            `${fast.latencyMs.toFixed(1)} ms, and slower span by span: ${lasting.median.toFixed(1)}× at the median of ` +
            `${lasting.pairs} spans of the probe (interval ${lasting.low.toFixed(1)}–${lasting.high.toFixed(1)}×); ` +
            `${algorithm} ignores it`,
        },
      },
      apply: { cluster: { cluster: cluster.cluster, algorithm: 'p2c-peak-ewma' } },
      undo: { cluster: { cluster: cluster.cluster, algorithm } },
    });
  }
  return steps;
}

function errorRule({ measurement, clusters }: OptimizationInput): PlannedStep[] {
  const t = PLAN_THRESHOLDS;
  const steps: PlannedStep[] = [];
  for (const cluster of clusters) {
    const ejectAfter = cluster.outlierDetection?.consecutiveFailures ?? DEFAULT_EJECT_AFTER;
    if (ejectAfter <= t.ejectAfterFailures) continue;
    const measured = measurement.endpoints.filter(
      (e) => e.cluster === cluster.cluster && e.requests >= t.minEndpointRequests,
    );
    const failing = measured.find((e) => e.errorRate >= t.endpointErrorRate);
    if (!failing) continue;
    const rest = measured.filter((e) => e !== failing);
    const restRequests = rest.reduce((n, e) => n + e.requests, 0);
    const restRate = restRequests > 0 ? rest.reduce((n, e) => n + e.failures, 0) / restRequests : 1;
    if (restRate >= t.healthyErrorRate) continue;
    steps.push({
      change: {
        setting: `cluster.${cluster.cluster}.outlierDetection.consecutiveFailures`,
        from: ejectAfter,
        to: t.ejectAfterFailures,
        motivation: {
          measurement: `endpoint.errorRate ${failing.origin}`,
          value: failing.errorRate,
          threshold: t.endpointErrorRate,
          comparator: '≥',
          finding: `${failing.origin} failed ${failing.failures} of ${failing.requests} requests, the rest of ${cluster.cluster} ${pct(restRate)}`,
        },
      },
      apply: {
        cluster: {
          cluster: cluster.cluster,
          outlierDetection: { ...cluster.outlierDetection, consecutiveFailures: t.ejectAfterFailures },
        },
      },
      undo: {
        cluster: {
          cluster: cluster.cluster,
          outlierDetection: { ...cluster.outlierDetection, consecutiveFailures: ejectAfter },
        },
      },
    });
  }
  return steps;
}

function flapRule({ measurement, breakerResetMs }: OptimizationInput): PlannedStep[] {
  const t = PLAN_THRESHOLDS;
  if (measurement.breakers.length === 0) return [];
  const worst = measurement.breakers.reduce((a, b) => (b.opens > a.opens ? b : a));
  const to = Math.min(t.maxBreakerResetMs, breakerResetMs * 2);
  if (worst.opens < t.breakerOpens || to <= breakerResetMs) return [];
  return [
    {
      change: {
        setting: 'breaker.resetTimeoutMs',
        from: breakerResetMs,
        to,
        motivation: {
          measurement: `breaker.opens ${worst.endpoint}`,
          value: worst.opens,
          threshold: t.breakerOpens,
          comparator: '≥',
          finding: `the breaker of ${worst.endpoint} opened ${worst.opens} times and closed ${worst.closes} times during the probe`,
        },
      },
      apply: { breaker: { resetTimeoutMs: to } },
      undo: { breaker: { resetTimeoutMs: breakerResetMs } },
    },
  ];
}

function batchRule({ measurement, batchDelayMs }: OptimizationInput): PlannedStep[] {
  const t = PLAN_THRESHOLDS;
  const batches = measurement.batching.reduce((n, b) => n + b.batches, 0);
  const calls = measurement.batching.reduce((n, b) => n + b.calls, 0);
  const fill = batches > 0 ? calls / batches : 0;
  const to = Math.min(t.maxBatchDelayMs, batchDelayMs + t.batchStepMs);
  if (batches < t.minBatches || fill >= t.smallBatch || to <= batchDelayMs) return [];
  return [
    {
      change: {
        setting: 'batching.maxDelayMs',
        from: batchDelayMs,
        to,
        motivation: {
          measurement: 'batching.meanBatchSize',
          value: fill,
          threshold: t.smallBatch,
          comparator: '<',
          finding: `${batches} batches carried ${fill.toFixed(2)} calls each`,
        },
      },
      apply: { batching: { maxDelayMs: to } },
      undo: { batching: { maxDelayMs: batchDelayMs } },
    },
  ];
}

/**
 * How `slow` compares with `fast` span by span (`comparePaired` on their `sliceLatencyMs`:
 * `improved` means slower in all or all but one of the spans where `slow` answered, a sign
 * test). A span in which `fast` had no answer — all callers waiting on `slow`, which answers in
 * waves, one per round trip — compares with `fast`'s mean over the probe.
 */
function lastingSpread(fast: EndpointMeasurement, slow: EndpointMeasurement): PairedComparison {
  const fastSpans = fast.sliceLatencyMs.map((ms) => ms ?? fast.latencyMs);
  // A span without answers from `slow` is NaN, which `comparePaired` leaves out.
  const slowSpans = slow.sliceLatencyMs.map((ms) => ms ?? Number.NaN);
  return comparePaired('latencyMs', 'higher', fastSpans, slowSpans);
}

/** A fraction as a percentage with no decimals. */
function pct(fraction: number): string {
  return `${Math.round(fraction * 100)} %`;
}
