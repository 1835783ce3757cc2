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
/** An endpoint whose answers took `latencyMs` on average; its P2C estimate is left flat at 1 ms, which the planner must not read. */
const endpoint = (origin: string, latencyMs: number, failures = 0) => ({
  cluster: 'api',
  origin,
  requests: 50,
  failures,
  errorRate: failures / 50,
  ewmaMs: 1,
  latencyMs,
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

  it('when a latency-blind cluster has a 3× slower endpoint, moves it to p2c-peak-ewma', () => {
    const [step] = planOptimizations(
      input({ endpoints: [endpoint('http://a', 2), endpoint('http://b', 40)] }),
    );
    expect(step!.change).toMatchObject({ setting: 'cluster.api.algorithm', to: 'p2c-peak-ewma' });
    expect(step!.change.motivation.value).toBe(20);
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
});
