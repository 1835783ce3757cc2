import type { BreakerEvent, CircuitBreakerConfig } from '@slipstream/contracts';
import type { DemoUpstream } from '../environment/DemoUpstream';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { EventLog } from './support/EventLog';
import { TaskTracker } from './support/TaskTracker';
import { scaled } from './support/workload';
import { waitUntil } from './support/waitUntil';
import { withBreakerSettings } from './support/withBreakerSettings';

const CLUSTER = 'breaker';
const RESET_TIMEOUT_MS = 1_000;
const VOLUME_THRESHOLD = 5;
const TASK_TIMEOUT_MS = 15_000;
/** Never trips within the workload: the baseline. */
const NO_BREAKER: CircuitBreakerConfig = { volumeThreshold: Number.MAX_SAFE_INTEGER, fallback: null };
const BREAKER: CircuitBreakerConfig = {
  volumeThreshold: VOLUME_THRESHOLD,
  errorThresholdPercentage: 50,
  resetTimeoutMs: RESET_TIMEOUT_MS,
  fallback: { status: 200, body: { fallback: true } },
};
const LIFECYCLE = 'opened→halfOpen→closed';

/**
 * Scenario 6: an endpoint fails every request, then recovers, while Sarah sends tasks to it
 * through the sidecar. The breaker settings are applied with `network.breaker.configure`.
 * Without a breaker every task reaches the endpoint and fails; with one, the circuit opens
 * after the volume threshold, the fallback answers Sarah, a half-open probe follows the reset
 * timeout, and the circuit closes once the endpoint is healthy: states as seen on the bus.
 */
export const circuitBreaker: Scenario = {
  id: 6,
  name: 'circuit breaker + fallback',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const target = ctx.upstreams[0]!;
    const count = scaled(40, ctx.scale, 20);
    await ctx.bus.request('network.balancing.configure', {
      cluster: CLUSTER,
      endpoints: [{ origin: target.origin }],
    });
    const tracker = new TaskTracker(ctx.bus);
    try {
      ctx.progress(`  ${count} Sarah tasks to a failing endpoint: breaker never trips`);
      const baseline = await withBreakerSettings(ctx.bus, NO_BREAKER, () =>
        measure(ctx, tracker, target, 'baseline', count),
      );
      ctx.progress(`  the same with a breaker (5 calls, 50 %, fallback), then recovery`);
      const optimized = await withBreakerSettings(
        ctx.bus,
        ctx.featureOff === true ? NO_BREAKER : BREAKER,
        () => measure(ctx, tracker, target, 'optimized', count),
      );
      const passed =
        optimized.lifecycle === LIFECYCLE &&
        optimized.fallbacks > 0 &&
        optimized.tasksFailed <= VOLUME_THRESHOLD;
      return {
        baseline,
        optimized,
        change: {
          upstreamHits: optimized.upstreamHits - baseline.upstreamHits,
          tasksFailed: optimized.tasksFailed - baseline.tasksFailed,
        },
        passed,
        property:
          `breaker events on the bus: closed→${optimized.lifecycle || '(none)'}, ${optimized.fallbacks} fallbacks ` +
          `served to Sarah, ${optimized.tasksFailed} tasks failed (≤ ${VOLUME_THRESHOLD}, the calls that trip it)`,
      };
    } finally {
      tracker.close();
      await target.setBehaviour({});
    }
  },
};

interface BreakerFigures extends Figures {
  tasks: number;
  tasksFailed: number;
  upstreamHits: number;
  fallbacks: number;
  lifecycle: string;
}

async function measure(
  ctx: ScenarioContext,
  tracker: TaskTracker,
  target: DemoUpstream,
  phase: string,
  count: number,
): Promise<BreakerFigures> {
  const log = new EventLog(
    ctx.bus,
    'network.breaker.*',
    (p) => (p as BreakerEvent).endpoint === target.origin,
  );
  await target.resetCounters();
  await target.setBehaviour({ status: 500 });
  let failed = 0;
  let sent = 0;
  const send = async (): Promise<void> => {
    const i = sent++;
    const task = {
      taskId: `breaker-${phase}-${i}`,
      kind: 'aggregate' as const,
      params: { gets: [`/breaker/${i}`], cluster: CLUSTER },
    };
    if ((await tracker.submit(task, TASK_TIMEOUT_MS)) === 'failed') failed++;
  };
  try {
    for (let i = 0; i < count; i++) await send();
    const failedUnderFault = failed;
    const { requestsByRoute } = await target.counters();
    const hits = Object.entries(requestsByRoute)
      .filter(([path]) => path.startsWith('/breaker/'))
      .reduce((sum, [, n]) => sum + n, 0);
    await target.setBehaviour({});
    if (log.count('network.breaker.opened') > 0) {
      ctx.progress(
        `  endpoint healed; waiting for half-open (reset timeout ${RESET_TIMEOUT_MS} ms) and a probe`,
      );
      await waitUntil(() => log.count('network.breaker.halfOpen') > 0, { timeoutMs: RESET_TIMEOUT_MS * 10 });
      await waitUntil(() => log.count('network.breaker.closed') > 0, { timeoutMs: 5_000, tick: send });
    }
    return {
      tasks: count,
      tasksFailed: failedUnderFault,
      upstreamHits: hits,
      fallbacks: [...tracker.results].filter(
        ([taskId, result]) => taskId.startsWith(`breaker-${phase}-`) && isFallback(result),
      ).length,
      lifecycle: log
        .topics()
        .map((t) => t.slice(t.lastIndexOf('.') + 1))
        .join('→'),
    };
  } finally {
    log.close();
  }
}

/** Whether an aggregate task's result is the breaker's static fallback body. */
function isFallback(result: unknown): boolean {
  const gets = (result as { gets?: { body?: unknown }[] } | null)?.gets ?? [];
  return gets.some((g) => (g.body as { fallback?: unknown } | null)?.fallback === true);
}
