import { setTimeout as delay } from 'node:timers/promises';
import {
  OverloadedError,
  QueueFullError,
  QueueTimeoutError,
  type AdvancedRoutingConfig,
  type QosClassConfig,
} from '@slipstream/contracts';
import { DEFAULT_QOS_CLASSES } from '@slipstream/routing';
import { share } from '../runner/figures';
import { runLoad, type LoadResult } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { expectOk } from './support/expectOk';
import { scaled } from './support/workload';

const CONCURRENCY_LIMIT = 4;
const LATENCY_MS = 20;
const BULK_WORKERS = 40;
const CRITICAL_WORKERS = 4;
/** A worker (bulk or critical alike) whose request was shed waits this long before its next one, ms (so the overload is sustained, not a burst). */
const SHED_BACKOFF_MS = 25;
/** Hard cap on the bulk flow, ms: it stops when the critical flow is done, or after this long. */
const BULK_MAX_DURATION_MS = 20_000;
const QUEUE = { maxQueue: 8, queueTimeoutMs: 2_000 };
const CLUSTER = 'qos';

/** The sidecar's default class, which every class table must keep (the default is not configurable over the bus). */
const DEFAULT_CLASS = 'standard';
/** Both flows in one class (the default one): no QoS. */
const SHARED: QosClassConfig[] = [{ name: DEFAULT_CLASS, priority: 1, ...QUEUE }];
/** Critical served first and never shed before bulk; bulk in a short queue; the default class unused. */
const CLASSES: QosClassConfig[] = [
  { name: 'critical', priority: 0, shedOrder: 1, maxQueue: 1_000, queueTimeoutMs: 10_000 },
  { name: 'bulk', priority: 1, shedOrder: 0, ...QUEUE },
  { name: DEFAULT_CLASS, priority: 1, shedOrder: 0, ...QUEUE },
];

/**
 * Scenario 8: a bulk flow and a critical flow overload an endpoint through the running sidecar,
 * whose concurrency limit is fixed with `network.routing.configure` over the bus. With one shared
 * class both get shed; with QoS classes (also set over the bus) the critical flow is served first
 * and only bulk is shed. The bulk flow is a sustained overload: ten times the limit in workers,
 * each backing off briefly after a shed, for as long as the critical flow runs (bounded in count
 * and time). Both flows' callers behave alike: each backs off after a shed, in both arms. Shed counts are the typed admission errors each flow got. The routing in force
 * before is put back afterwards.
 */
export const qosRouting: Scenario = {
  id: 8,
  name: 'adaptive routing + QoS overload',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const target = ctx.upstreams[0]!;
    const bulk = scaled(3_000, ctx.scale, 1_000);
    const critical = scaled(120, ctx.scale, 40);
    await ctx.bus.request('network.balancing.configure', {
      cluster: CLUSTER,
      endpoints: [{ origin: target.origin }],
    });
    const inForce = (await ctx.bus.request('network.routing.configure', {})).applied;
    await target.setBehaviour({ latencyMs: LATENCY_MS });
    try {
      ctx.progress(
        `  ${critical} critical requests under sustained bulk overload (≤ ${bulk}), limit ${CONCURRENCY_LIMIT}: one shared class`,
      );
      const baseline = await measure(
        ctx,
        SHARED,
        { critical: DEFAULT_CLASS, bulk: DEFAULT_CLASS },
        bulk,
        critical,
      );
      ctx.progress(`  the same with QoS classes (critical first, bulk shed first), set over the bus`);
      const optimized =
        ctx.featureOff === true
          ? await measure(ctx, SHARED, { critical: DEFAULT_CLASS, bulk: DEFAULT_CLASS }, bulk, critical)
          : await measure(ctx, CLASSES, { critical: 'critical', bulk: 'bulk' }, bulk, critical);
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
      await ctx.bus.request('network.routing.configure', restoreOf(inForce));
    }
  },
};

interface QosFigures extends Figures {
  criticalServed: number;
  criticalShed: number;
  criticalFailed: number;
  bulkSent: number;
  bulkServed: number;
  bulkShed: number;
  bulkDurationMs: number;
}

/** The routing in force before, with the classes and concurrency settings it had (the routing package's defaults when none were given). */
function restoreOf(inForce: AdvancedRoutingConfig): AdvancedRoutingConfig {
  return {
    routes: inForce.routes,
    classes: inForce.classes ?? [...DEFAULT_QOS_CLASSES],
    adaptiveConcurrency: inForce.adaptiveConcurrency ?? {},
  };
}

async function measure(
  ctx: ScenarioContext,
  classes: QosClassConfig[],
  priorities: { critical: string; bulk: string },
  bulkCount: number,
  criticalCount: number,
): Promise<QosFigures> {
  await ctx.bus.request('network.routing.configure', {
    classes,
    adaptiveConcurrency: { enabled: false, initialLimit: CONCURRENCY_LIMIT },
  });
  /** One request of a flow; after a shed the caller waits `SHED_BACKOFF_MS` before its next, whichever its class. */
  const send = async (priority: string): Promise<void> => {
    try {
      expectOk(await ctx.network.request({ path: `/qos/${priority}`, cluster: CLUSTER }, { priority }));
    } catch (err) {
      if (isShed(err)) await delay(SHED_BACKOFF_MS);
      throw err;
    }
  };
  const criticalDone = new AbortController();
  const bulkFlow = runLoad(
    {
      count: bulkCount,
      concurrency: BULK_WORKERS,
      maxDurationMs: BULK_MAX_DURATION_MS,
      signal: AbortSignal.any([ctx.signal, criticalDone.signal]),
    },
    () => send(priorities.bulk),
  );
  let critical: LoadResult;
  try {
    critical = await runLoad(
      { count: criticalCount, concurrency: CRITICAL_WORKERS, signal: ctx.signal },
      () => send(priorities.critical),
    );
  } finally {
    criticalDone.abort();
  }
  const bulk = await bulkFlow;
  const criticalShed = critical.errors.filter(isShed).length;
  return {
    criticalServed: critical.succeeded,
    criticalShed,
    criticalFailed: critical.failed - criticalShed,
    bulkSent: bulk.started,
    bulkServed: bulk.succeeded,
    bulkShed: bulk.errors.filter(isShed).length,
    bulkDurationMs: Math.round(bulk.durationMs),
  };
}

/** Whether the request was refused at admission (shed), not failed upstream. */
function isShed(err: unknown): boolean {
  return OverloadedError.is(err) || QueueFullError.is(err) || QueueTimeoutError.is(err);
}
