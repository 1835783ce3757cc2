import { setTimeout as delay } from 'node:timers/promises';
import {
  OverloadedError,
  QueueFullError,
  QueueTimeoutError,
  type AdvancedRoutingConfig,
  type QosClassConfig,
} from '@slipstream/contracts';
import { DEFAULT_QOS_CLASSES } from '@slipstream/routing';
import { round, share } from '../runner/figures';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { expectOk } from './support/expectOk';
import { scaled } from './support/workload';

const CONCURRENCY_LIMIT = 4;
const LATENCY_MS = 20;
/** One arrival every this long, ms, whatever happened to the earlier ones: 400 a second, twice the 4 ÷ 20 ms the limit serves. */
const ARRIVAL_INTERVAL_MS = 2.5;
/** One arrival in this many is critical (the 6th of every 10), the rest bulk: critical offers a fifth of what the limit serves. */
const ARRIVALS_PER_CRITICAL = 10;
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

/** The two flows of the workload. */
type Flow = 'critical' | 'bulk';

/**
 * Scenario 8: a bulk flow and a critical flow overload an endpoint through the running sidecar,
 * whose concurrency limit is fixed with `network.routing.configure` over the bus. With one shared
 * class the shed falls on both flows alike; with QoS classes (also set over the bus) the critical
 * flow is served first and only bulk is shed. The property: with the classes every critical
 * arrival is served and bulk is shed, while in the same run's shared-class arm critical is shed
 * too.
 *
 * The load is open-loop: one arrival schedule, a request every `ARRIVAL_INTERVAL_MS` (twice what
 * the limit serves), every `ARRIVALS_PER_CRITICAL`-th of them critical and the rest bulk, so the
 * two flows start together and stay interleaved; it is the same schedule in both arms, and when a
 * request is sent never depends on what became of the earlier ones. Closed-loop callers would not
 * compare fairly: a caller that sends its next request the moment its last one is answered takes
 * back the place in the queue it just freed, so whichever flow got in first keeps the slots and
 * the other is shed, with or without QoS (in a review's reproduction one shared class gave
 * critical 0 of 120 when the bulk workers started first and 120 of 120 when the critical ones
 * started a tick earlier). A think time between a caller's requests would only soften that: the
 * next request still waits for the last answer, so the flow served more sends more. With arrivals
 * on a schedule, a shared queue admits each arrival by when it comes, whatever its flow, so both
 * flows lose about the same share; only the class table can make the difference the property asks
 * for.
 *
 * A late timer sends the arrivals that came due at once: the schedule, not the timer, sets the
 * offered load. Bounded in count (`ARRIVALS_PER_CRITICAL` × the critical count) and time (the
 * schedule's length, then the queue timeouts). The routing in force before is put back afterwards.
 */
export const qosRouting: Scenario = {
  id: 8,
  name: 'adaptive routing + QoS overload',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const target = ctx.upstreams[0]!;
    const critical = scaled(120, ctx.scale, 40);
    const arrivals = critical * ARRIVALS_PER_CRITICAL;
    await ctx.bus.request('network.balancing.configure', {
      cluster: CLUSTER,
      endpoints: [{ origin: target.origin }],
    });
    const inForce = (await ctx.bus.request('network.routing.configure', {})).applied;
    await target.setBehaviour({ latencyMs: LATENCY_MS });
    try {
      ctx.progress(
        `  ${arrivals} arrivals, one every ${ARRIVAL_INTERVAL_MS} ms (${critical} critical interleaved with ` +
          `${arrivals - critical} bulk), limit ${CONCURRENCY_LIMIT} × ${LATENCY_MS} ms: one shared class`,
      );
      const baseline = await measure(ctx, SHARED, { critical: DEFAULT_CLASS, bulk: DEFAULT_CLASS }, arrivals);
      ctx.progress(
        `  the same arrivals with QoS classes (critical first, bulk shed first), set over the bus`,
      );
      const optimized =
        ctx.featureOff === true
          ? await measure(ctx, SHARED, { critical: DEFAULT_CLASS, bulk: DEFAULT_CLASS }, arrivals)
          : await measure(ctx, CLASSES, { critical: 'critical', bulk: 'bulk' }, arrivals);
      const passed =
        optimized.criticalServed === optimized.criticalOffered &&
        optimized.criticalShed === 0 &&
        optimized.criticalFailed === 0 &&
        optimized.bulkShed > 0 &&
        baseline.criticalShed > 0;
      return {
        baseline,
        optimized,
        change: {
          criticalShed: optimized.criticalShed - baseline.criticalShed,
          criticalServedShare: share(optimized.criticalServed, optimized.criticalOffered),
        },
        passed,
        property:
          `under overload the critical class had ${optimized.criticalShed} of ${optimized.criticalOffered} shed ` +
          `and ${optimized.criticalFailed} failed while bulk had ${optimized.bulkShed} of ${optimized.bulkOffered} shed; ` +
          `with one shared class and the same arrivals critical had ${baseline.criticalShed} of ` +
          `${baseline.criticalOffered} shed and bulk ${baseline.bulkShed} of ${baseline.bulkOffered}`,
      };
    } finally {
      await target.setBehaviour({});
      await ctx.bus.request('network.routing.configure', restoreOf(inForce));
    }
  },
};

interface QosFigures extends Figures {
  criticalOffered: number;
  criticalServed: number;
  criticalShed: number;
  criticalFailed: number;
  bulkOffered: number;
  bulkServed: number;
  bulkShed: number;
  bulkFailed: number;
  /** Arrivals sent ÷ seconds from the first to the last. */
  offeredPerSecond: number;
  /** Requests served (both flows) ÷ seconds from the first arrival to the last answer. */
  servedPerSecond: number;
}

/** What became of one request. */
type Outcome = 'served' | 'shed' | 'failed';

/** The routing in force before, with the classes and concurrency settings it had (the routing package's defaults when none were given). */
function restoreOf(inForce: AdvancedRoutingConfig): AdvancedRoutingConfig {
  return {
    routes: inForce.routes,
    classes: inForce.classes ?? [...DEFAULT_QOS_CLASSES],
    adaptiveConcurrency: inForce.adaptiveConcurrency ?? {},
  };
}

/** Arrival `k`'s flow: the 6th of every `ARRIVALS_PER_CRITICAL` is critical, so the flows interleave evenly from the start. */
function flowOf(k: number): Flow {
  return k % ARRIVALS_PER_CRITICAL === ARRIVALS_PER_CRITICAL / 2 ? 'critical' : 'bulk';
}

/** Puts `classes` in force with the fixed limit, sends the arrival schedule (`arrivals` of them) and counts each flow's outcomes. */
async function measure(
  ctx: ScenarioContext,
  classes: QosClassConfig[],
  classOf: Record<Flow, string>,
  arrivals: number,
): Promise<QosFigures> {
  await ctx.bus.request('network.routing.configure', {
    classes,
    adaptiveConcurrency: { enabled: false, initialLimit: CONCURRENCY_LIMIT },
  });
  const send = async (flow: Flow): Promise<Outcome> => {
    try {
      expectOk(
        await ctx.network.request({ path: `/qos/${flow}`, cluster: CLUSTER }, { priority: classOf[flow] }),
      );
      return 'served';
    } catch (err) {
      return isShed(err) ? 'shed' : 'failed';
    }
  };
  const sent: { flow: Flow; outcome: Promise<Outcome> }[] = [];
  const start = performance.now();
  let lastArrival = start;
  for (let k = 0; k < arrivals && !ctx.signal.aborted; k++) {
    const wait = start + k * ARRIVAL_INTERVAL_MS - performance.now();
    if (wait > 0) await delay(wait);
    lastArrival = performance.now();
    sent.push({ flow: flowOf(k), outcome: send(flowOf(k)) });
  }
  const outcomes = await Promise.all(sent.map((s) => s.outcome));
  const durationMs = performance.now() - start;
  const count = (flow: Flow, outcome?: Outcome): number =>
    sent.filter((s, i) => s.flow === flow && (outcome === undefined || outcomes[i] === outcome)).length;
  const served = count('critical', 'served') + count('bulk', 'served');
  return {
    criticalOffered: count('critical'),
    criticalServed: count('critical', 'served'),
    criticalShed: count('critical', 'shed'),
    criticalFailed: count('critical', 'failed'),
    bulkOffered: count('bulk'),
    bulkServed: count('bulk', 'served'),
    bulkShed: count('bulk', 'shed'),
    bulkFailed: count('bulk', 'failed'),
    offeredPerSecond: lastArrival > start ? round(((sent.length - 1) * 1_000) / (lastArrival - start), 0) : 0,
    servedPerSecond: round((served * 1_000) / durationMs, 0),
  };
}

/** Whether the request was refused at admission (shed), not failed upstream. */
function isShed(err: unknown): boolean {
  return OverloadedError.is(err) || QueueFullError.is(err) || QueueTimeoutError.is(err);
}
