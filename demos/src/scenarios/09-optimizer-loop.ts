import type { OptimizerEvent } from '@slipstream/contracts';
import { MONITORING_WINDOW_MS } from '../environment/slipstreamAgents';
import { percentChange, round } from '../runner/figures';
import { runLoad, type LoadResult } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { EventLog } from './support/EventLog';
import { TaskFailedError } from './support/TaskFailedError';
import { TaskTracker } from './support/TaskTracker';
import { scaled } from './support/workload';
import { waitUntil } from './support/waitUntil';

const CLUSTER = 'tuning';
const MISTUNED_CONNECTIONS = 1;
const SNAPSHOT_INTERVAL_MS = 500;
/** The metrics window during the loop: two snapshot intervals, so an A/A or A/B block lasts 1 s. */
const WINDOW_MS = 1_000;
const LATENCY_MS = 20;
/**
 * Four tasks at a time, two GETs each: with one connection seven GETs wait in the pool's queue
 * at any moment (the pool-size trigger holds at every snapshot), and a second connection doubles
 * the throughput the loop's A/B measures.
 */
const CONCURRENCY = 4;
const GETS_PER_TASK = 2;
const TASK_TIMEOUT_MS = 30_000;
/** How long the loop may take to propose, apply and verify a change, ms. */
const LOOP_TIMEOUT_MS = 30_000;

/**
 * Scenario 9: the sidecar starts deliberately mis-tuned (one connection per origin, set with
 * `network.pooling.configure`) under Sarah's traffic, with snapshots every 500 ms. The
 * PerformanceOptimizer watches `network.metrics.snapshot`, proposes and applies a change over
 * the bus, A/B-tests it against the old setting over later snapshots and keeps it
 * (`optimizer.applied`) or reverts it. Baseline and optimized are the same Sarah workload before
 * and after the loop settled. Switched off, no snapshots are published, so the optimizer sees
 * nothing to act on.
 */
export const optimizerLoop: Scenario = {
  id: 9,
  name: 'optimizer closed loop',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const tasks = scaled(60, ctx.scale, 20);
    const target = ctx.upstreams[1]!;
    const pooling = await ctx.bus.request('network.pooling.configure', {});
    const monitoring = await ctx.bus.request('network.monitoring.configure', {});
    const log = new EventLog(ctx.bus, 'optimizer.*');
    const tracker = new TaskTracker(ctx.bus);
    await target.setBehaviour({ latencyMs: LATENCY_MS });
    try {
      await ctx.bus.request('network.balancing.configure', {
        cluster: CLUSTER,
        endpoints: [{ origin: target.origin }],
      });
      await ctx.bus.request('network.pooling.configure', { connections: MISTUNED_CONNECTIONS });
      await ctx.bus.request('network.monitoring.configure', {
        snapshotIntervalMs: ctx.featureOff === true ? 0 : SNAPSHOT_INTERVAL_MS,
        windowMs: WINDOW_MS,
      });
      ctx.progress(`  mis-tuned: ${MISTUNED_CONNECTIONS} connection per origin; ${tasks} Sarah tasks`);
      const baseline = figuresOf(await work(ctx, tracker, 'before', tasks), MISTUNED_CONNECTIONS);
      ctx.progress(`  traffic until the optimizer settles a change (≤ ${LOOP_TIMEOUT_MS / 1_000} s)`);
      const settled = (): boolean => log.count('optimizer.applied') + log.count('optimizer.reverted') > 0;
      const stop = new AbortController();
      const background = runLoad(
        {
          count: Number.MAX_SAFE_INTEGER,
          concurrency: CONCURRENCY,
          maxDurationMs: LOOP_TIMEOUT_MS,
          signal: stop.signal,
        },
        (i) => submit(tracker, 'loop', i),
      );
      await waitUntil(settled, { timeoutMs: LOOP_TIMEOUT_MS, intervalMs: 100 });
      stop.abort();
      await background;
      const inForce = (await ctx.bus.request('network.pooling.configure', {})).applied.connections;
      ctx.progress(`  after the loop: ${inForce} connections per origin; the same ${tasks} tasks`);
      const optimized = figuresOf(await work(ctx, tracker, 'after', tasks), inForce);
      const applied = log.events
        .filter((e) => e.topic === 'optimizer.applied')
        .map((e) => e.payload as OptimizerEvent);
      const kept = applied[0];
      optimized.rule = kept?.rule ?? 'none';
      optimized.recommendations = log.count('optimizer.recommendation');
      optimized.reverted = log.count('optimizer.reverted');
      const passed =
        kept !== undefined &&
        kept.after !== undefined &&
        kept.after !== undefined &&
        kept.comparison?.verdict === 'improved' &&
        inForce > MISTUNED_CONNECTIONS &&
        optimized.failedTasks === 0;
      return {
        baseline,
        optimized,
        change: {
          connections: `${MISTUNED_CONNECTIONS}→${inForce}`,
          [kept?.metric ?? 'metric']: kept
            ? `${round(kept.before, 3)}→${round(kept.after ?? NaN, 3)}`
            : 'n/a',
          abRatio: kept?.comparison
            ? `${round(kept.comparison.median, 2)} (${round(kept.comparison.low, 2)}–${round(kept.comparison.high, 2)})`
            : 'n/a',
          taskThroughput: percentChange(optimized.tasksPerSec as number, baseline.tasksPerSec as number),
        },
        passed,
        property: kept
          ? `optimizer applied ${JSON.stringify(kept.change)} (${kept.rule}) and kept it: ${kept.metric} ` +
            `${round(kept.before, 3)} → ${round(kept.after ?? NaN, 3)} (medians of the A/B blocks, ` +
            `paired ratio ${round(kept.comparison?.median ?? NaN, 2)}, interval ${round(kept.comparison?.low ?? NaN, 2)}–` +
            `${round(kept.comparison?.high ?? NaN, 2)}, verdict ${kept.comparison?.verdict ?? 'none'}); ${inForce} connections in force; ` +
            `${optimized.failedTasks} failed tasks`
          : `no change kept within ${LOOP_TIMEOUT_MS} ms (${log.count('optimizer.recommendation')} recommended, ` +
            `${log.count('optimizer.reverted')} reverted${revertedBecause(log)})`,
      };
    } finally {
      tracker.close();
      log.close();
      await ctx.bus.request('network.pooling.configure', { connections: pooling.applied.connections });
      await ctx.bus.request('network.monitoring.configure', {
        snapshotIntervalMs: monitoring.applied.snapshotIntervalMs ?? 0,
        windowMs: monitoring.applied.windowMs ?? MONITORING_WINDOW_MS,
      });
      await target.setBehaviour({});
    }
  },
};

/** Why the first change was reverted: its A/B comparison, in words ('' when none was). */
function revertedBecause(log: EventLog): string {
  const event = log.events.find((e) => e.topic === 'optimizer.reverted')?.payload as
    OptimizerEvent | undefined;
  const c = event?.comparison;
  if (!c) return '';
  return `: ${c.metric} paired ratio ${round(c.median, 2)}, interval ${round(c.low, 2)}–${round(c.high, 2)}, margin ${round(c.margin, 2)}, ${c.verdict}`;
}

async function submit(tracker: TaskTracker, phase: string, i: number): Promise<void> {
  const gets = Array.from({ length: GETS_PER_TASK }, (_, g) => `/tuning/${phase}/${i}/${g}`);
  const outcome = await tracker.submit(
    { taskId: `tuning-${phase}-${i}`, kind: 'aggregate', params: { gets, cluster: CLUSTER } },
    TASK_TIMEOUT_MS,
  );
  if (outcome === 'failed') throw new TaskFailedError(`tuning-${phase}-${i}`);
}

function work(ctx: ScenarioContext, tracker: TaskTracker, phase: string, tasks: number): Promise<LoadResult> {
  return runLoad({ count: tasks, concurrency: CONCURRENCY, signal: ctx.signal }, (i) =>
    submit(tracker, phase, i),
  );
}

function figuresOf(load: LoadResult, connections: number): Figures {
  return {
    connections,
    tasks: load.started,
    failedTasks: load.failed,
    tasksPerSec: round(load.throughput, 1),
    taskMeanMs: round(load.latencyMeanMs, 1),
    taskP99Ms: round(load.latencyP99Ms, 1),
  };
}
