import type { PerformanceMetrics, SystemMeasurement } from '@slipstream/contracts';
import { POOL_DEFAULTS } from '@slipstream/http';
import { planOptimizations, PLAN_THRESHOLDS, type OptimizationInput } from './planOptimizations';

const workload = { requests: 100 } as PerformanceMetrics;
const quiet: SystemMeasurement = { workload, pools: [], endpoints: [], breakers: [], qos: [], batching: [] };
const pool = {
  origin: 'http://a',
  limit: 1,
  samples: 100,
  queuedShare: 0,
  queuedMean: 0,
  saturation: 0.5,
  peakDemand: 1,
};
/**
 * An endpoint whose answers took `latencyMs` on average, `slices` in each tenth of the probe
 * (`latencyMs` in every one by default); its P2C estimate is left flat at 1 ms, which the
 * planner must not read.
 */
const endpoint = (
  origin: string,
  latencyMs: number,
  failures = 0,
  slices: (number | null)[] = Array.from({ length: 10 }, () => latencyMs),
) => ({
  cluster: 'api',
  origin,
  requests: 50,
  failures,
  errorRate: failures / 50,
  ewmaMs: 1,
  latencyMs,
  sliceLatencyMs: slices,
});

function input(
  measurement: Partial<SystemMeasurement>,
  over: Partial<OptimizationInput> = {},
): OptimizationInput {
  return {
    measurement: { ...quiet, ...measurement },
    pool: { ...POOL_DEFAULTS, connections: 1 },
    clusters: [
      {
        cluster: 'api',
        endpoints: [{ origin: 'http://a' }, { origin: 'http://b' }],
        algorithm: 'round-robin',
      },
    ],
    breakerResetMs: 1_000,
    batchDelayMs: 2,
    concurrency: { enabled: true, initialLimit: 20, maxLimit: 1_000 },
    ...over,
  };
}

describe(planOptimizations, () => {
  it('when nothing was measured past a threshold, plans nothing', () => {
    const measurement = {
      pools: [pool],
      endpoints: [endpoint('http://a', 2), endpoint('http://b', 3)],
      breakers: [{ endpoint: 'http://a', opens: 1, closes: 1 }],
      batching: [{ cluster: 'api', batches: 20, calls: 100, meanBatchSize: 5 }],
    };
    expect(planOptimizations(input(measurement))).toEqual([]);
  });

  it('when requests queue at a full pool, sizes the pool to the peak demand and names the queueing', () => {
    const [step, ...rest] = planOptimizations(
      input({ pools: [{ ...pool, queuedShare: 0.9, queuedMean: 7, saturation: 1, peakDemand: 8 }] }),
    );
    expect(rest).toEqual([]);
    expect(step!.change).toMatchObject({
      setting: 'pool.connections',
      from: 1,
      to: 8,
      motivation: {
        measurement: 'pool.queuedShare http://a',
        value: 0.9,
        threshold: PLAN_THRESHOLDS.queuedShare,
      },
    });
    expect(step!.apply).toEqual({ pooling: { connections: 8 } });
    expect(step!.undo).toEqual({ pooling: { connections: 1 } });
  });

  it('when requests queue but the pool has free slots, plans nothing (the wait is elsewhere)', () => {
    expect(
      planOptimizations(input({ pools: [{ ...pool, queuedShare: 0.9, saturation: 0.5, peakDemand: 8 }] })),
    ).toEqual([]);
  });

  it('when a class sheds under a fixed concurrency limit, doubles the limit and names the sheds; not for rate-limit refusals or under the adaptive limit', () => {
    const qos = { class: 'standard', admitted: 100, shed: 20, timedOut: 5, rateLimited: 0 };
    const fixed = { concurrency: { enabled: false, initialLimit: 4, maxLimit: 1_000 } };
    const [step, ...rest] = planOptimizations(input({ qos: [qos] }, fixed));
    expect(rest).toEqual([]);
    expect(step!.change).toMatchObject({
      setting: 'routing.adaptiveConcurrency.initialLimit',
      from: 4,
      to: 8,
      motivation: {
        measurement: 'qos.shedShare standard',
        threshold: PLAN_THRESHOLDS.shedShare,
        comparator: '≥',
      },
    });
    expect(step!.change.motivation.value).toBeCloseTo(20 / 120, 10);
    expect(step!.change.motivation.finding).toContain(
      '20 of 120 requests of class standard were shed (5 after their queue timeout)',
    );
    expect(step!.apply).toEqual({ routing: { adaptiveConcurrency: { initialLimit: 8 } } });
    expect(step!.undo).toEqual({ routing: { adaptiveConcurrency: { initialLimit: 4 } } });
    expect(planOptimizations(input({ qos: [{ ...qos, rateLimited: 20 }] }, fixed))).toEqual([]);
    expect(planOptimizations(input({ qos: [qos] }))).toEqual([]);
    expect(
      planOptimizations(
        input({ qos: [qos] }, { concurrency: { enabled: false, initialLimit: 4, maxLimit: 4 } }),
      ),
    ).toEqual([]);
  });

  it('when a latency-blind cluster has a 3× slower endpoint, moves it to p2c-peak-ewma', () => {
    const [step] = planOptimizations(
      input({ endpoints: [endpoint('http://a', 2), endpoint('http://b', 40)] }),
    );
    expect(step!.change).toMatchObject({ setting: 'cluster.api.algorithm', to: 'p2c-peak-ewma' });
    expect(step!.change.motivation.value).toBe(20);
    expect(step!.change.motivation.finding).toContain('slower span by span: 20.0× at the median of 10 spans');
  });

  it('when one burst made an endpoint 3× slower on average but not span by span, plans nothing', () => {
    // Identical endpoints, one of whose spans caught a 100 ms stall: mean 10.9 against 1 ms.
    const burst = [1, 1, 1, 1, 100, 1, 1, 1, 1, 1];
    expect(
      planOptimizations(
        input({ endpoints: [endpoint('http://a', 1), endpoint('http://b', 10.9, 0, burst)] }),
      ),
    ).toEqual([]);
    // Slower in 8 of the 9 spans where it answered (the span without its answers is left out) is lasting.
    const lasting = [5, 5, 5, 0.5, null, 5, 5, 5, 5, 5];
    expect(
      planOptimizations(
        input({ endpoints: [endpoint('http://a', 1), endpoint('http://b', 4.5, 0, lasting)] }),
      ),
    ).toHaveLength(1);
  });

  it('when one endpoint fails while the rest do not, ejects sooner; breaker flaps and thin batches each get their change', () => {
    const steps = planOptimizations(
      input({
        endpoints: [endpoint('http://a', 2, 25), endpoint('http://b', 2)],
        breakers: [{ endpoint: 'http://a', opens: 4, closes: 3 }],
        batching: [{ cluster: 'api', batches: 20, calls: 22, meanBatchSize: 1.1 }],
      }),
    );
    expect(steps.map((s) => s.change.setting)).toEqual([
      'cluster.api.outlierDetection.consecutiveFailures',
      'breaker.resetTimeoutMs',
      'batching.maxDelayMs',
    ]);
    expect(steps.map((s) => s.change.motivation.comparator)).toEqual(['≥', '≥', '<']);
  });

  it('when the spread and the error rule both change one cluster, each patch names only its field, so neither undoes the other', () => {
    const steps = planOptimizations(
      input({ endpoints: [endpoint('http://a', 2, 25), endpoint('http://b', 40)] }),
    );
    expect(steps.map((s) => s.change.setting)).toEqual([
      'cluster.api.algorithm',
      'cluster.api.outlierDetection.consecutiveFailures',
    ]);
    // Applied in order over the config in force, as the agent's configure merges them (regression:
    // the second patch carried the whole old config, algorithm round-robin included).
    const base = input({}).clusters[0]!;
    const merge = (patches: { cluster?: object }[]) =>
      patches.reduce<object>((config, p) => ({ ...config, ...p.cluster }), base);
    expect(merge(steps.map((s) => s.apply as { cluster: object }))).toMatchObject({
      algorithm: 'p2c-peak-ewma',
      outlierDetection: { consecutiveFailures: PLAN_THRESHOLDS.ejectAfterFailures },
    });
    expect(merge(steps.map((s) => s.undo as { cluster: object }).reverse())).toMatchObject({
      algorithm: 'round-robin',
      outlierDetection: { consecutiveFailures: 5 },
    });
  });
});
