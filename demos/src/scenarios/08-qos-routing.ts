import { createNetworkClient } from '@slipstream/client';
import {
  OverloadedError,
  QueueFullError,
  QueueTimeoutError,
  type QosClassConfig,
} from '@slipstream/contracts';
import { share } from '../runner/figures';
import { runLoad, type LoadResult } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { expectOk } from './support/expectOk';
import { scaled } from './support/workload';

const CONCURRENCY_LIMIT = 4;
const LATENCY_MS = 20;
const BULK_WORKERS = 40;
const CRITICAL_WORKERS = 4;
const QUEUE = { maxQueue: 8, queueTimeoutMs: 2_000 };

/** Both flows in one class: no QoS. */
const SHARED: QosClassConfig[] = [{ name: 'shared', priority: 1, ...QUEUE }];
/** Critical served first and never shed before bulk; bulk in a short queue. */
const CLASSES: QosClassConfig[] = [
  { name: 'critical', priority: 0, shedOrder: 1, maxQueue: 1_000, queueTimeoutMs: 10_000 },
  { name: 'bulk', priority: 1, shedOrder: 0, ...QUEUE },
];

/**
 * Scenario 8: a bulk flow and a critical flow overload an endpoint behind a fixed concurrency
 * limit. With one shared class both get shed; with QoS classes the critical flow is served
 * first and only bulk is shed. Shed counts are the typed admission errors each flow got.
 */
export const qosRouting: Scenario = {
  id: 8,
  name: 'adaptive routing + QoS overload',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const target = ctx.upstreams[0]!;
    const bulk = scaled(600, ctx.scale, 200);
    const critical = scaled(120, ctx.scale, 40);
    await target.setBehaviour({ latencyMs: LATENCY_MS });
    try {
      ctx.progress(
        `  ${bulk} bulk + ${critical} critical requests, limit ${CONCURRENCY_LIMIT}: one shared class`,
      );
      const baseline = await measure(ctx, SHARED, { critical: 'shared', bulk: 'shared' }, bulk, critical);
      ctx.progress(`  the same with QoS classes (critical first, bulk shed first)`);
      const optimized = await measure(ctx, CLASSES, { critical: 'critical', bulk: 'bulk' }, bulk, critical);
      const passed = optimized.criticalShed === 0 && optimized.criticalFailed === 0 && optimized.bulkShed > 0;
      return {
        baseline,
        optimized,
        change: {
          criticalShed: optimized.criticalShed - baseline.criticalShed,
          criticalServedShare: share(optimized.criticalServed, critical),
        },
        passed,
        property:
          `under overload the critical class had ${optimized.criticalShed} shed and ${optimized.criticalFailed} failed ` +
          `while bulk had ${optimized.bulkShed} shed; with one shared class critical had ${baseline.criticalShed} shed`,
      };
    } finally {
      await target.setBehaviour({});
    }
  },
};

interface QosFigures extends Figures {
  criticalServed: number;
  criticalShed: number;
  criticalFailed: number;
  bulkServed: number;
  bulkShed: number;
}

async function measure(
  ctx: ScenarioContext,
  classes: QosClassConfig[],
  priorities: { critical: string; bulk: string },
  bulkCount: number,
  criticalCount: number,
): Promise<QosFigures> {
  const target = ctx.upstreams[0]!;
  const client = createNetworkClient(
    {
      clusters: [{ cluster: 'qos', endpoints: [{ origin: target.origin }] }],
      classes,
      defaultQosClass: priorities.bulk,
      adaptiveConcurrency: { enabled: false, initialLimit: CONCURRENCY_LIMIT },
      retry: { maxRetries: 0 },
    },
    { bus: ctx.bus, logger: ctx.logger },
  );
  const flow = (count: number, workers: number, priority: string): Promise<LoadResult> =>
    runLoad({ count, concurrency: workers, signal: ctx.signal }, async () => {
      expectOk(await client.request({ path: `/qos/${priority}`, cluster: 'qos' }, { priority }));
    });
  try {
    const [bulk, critical] = await Promise.all([
      flow(bulkCount, BULK_WORKERS, priorities.bulk),
      flow(criticalCount, CRITICAL_WORKERS, priorities.critical),
    ]);
    const criticalShed = critical.errors.filter(isShed).length;
    return {
      criticalServed: critical.succeeded,
      criticalShed,
      criticalFailed: critical.failed - criticalShed,
      bulkServed: bulk.succeeded,
      bulkShed: bulk.errors.filter(isShed).length,
    };
  } finally {
    await client.close();
  }
}

/** Whether the request was refused at admission (shed), not failed upstream. */
function isShed(err: unknown): boolean {
  return OverloadedError.is(err) || QueueFullError.is(err) || QueueTimeoutError.is(err);
}
