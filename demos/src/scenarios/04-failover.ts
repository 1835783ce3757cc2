import type { EventBus, RouteConfig } from '@slipstream/contracts';
import type { DemoUpstream } from '../environment/DemoUpstream';
import { round } from '../runner/figures';
import { runLoad } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { TaskTracker } from './support/TaskTracker';
import { scaled } from './support/workload';

const GETS_PER_TASK = 3;
const CONCURRENCY = 6;
const TASK_TIMEOUT_MS = 15_000;
const LATENCY_MS = 5;
/** The two phases: a cluster and a route each; the baseline's route forbids retries. */
const PHASES = {
  baseline: { cluster: 'failover-baseline', prefix: '/failover-baseline/', retries: 0 },
  optimized: { cluster: 'failover', prefix: '/failover/', retries: undefined },
} as const;

/**
 * Scenario 4: Sarah's tasks (`sarah.task` on the bus) go through the sidecar to a cluster of
 * three endpoints, one of which is killed (SIGKILL of its process) a third of the way through.
 * The clusters and routes are set with `network.balancing.configure` and
 * `network.routing.configure`. Without retries some tasks fail; with the pipeline's budgeted
 * retries on another endpoint, none may.
 */
export const failover: Scenario = {
  id: 4,
  name: 'failover (endpoint killed)',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const tasks = scaled(90, ctx.scale, 30);
    const [victimA, victimB] = await Promise.all([ctx.spawnUpstream(), ctx.spawnUpstream()]);
    const survivors = ctx.upstreams.slice(0, 2);
    await Promise.all([...survivors, victimA, victimB].map((u) => u.setBehaviour({ latencyMs: LATENCY_MS })));
    const { applied } = await ctx.bus.request('network.routing.configure', {});
    const routesBefore = applied.routes ?? [];
    try {
      for (const [phase, victim] of [
        ['baseline', victimA],
        ['optimized', victimB],
      ] as const) {
        const { cluster } = PHASES[phase];
        await ctx.bus.request('network.balancing.configure', {
          cluster,
          endpoints: [...survivors, victim].map((u) => ({ origin: u.origin })),
        });
      }
      // Switched off, the optimized route forbids retries as the baseline's does.
      const phases =
        ctx.featureOff === true ? { ...PHASES, optimized: { ...PHASES.optimized, retries: 0 } } : PHASES;
      await ctx.bus.request('network.routing.configure', { routes: [...routesBefore, ...routesOf(phases)] });
      const killAt = Math.floor(tasks / 3);
      ctx.progress(
        `  ${tasks} Sarah tasks × ${GETS_PER_TASK} GETs, endpoint killed after ${killAt}: route without retries`,
      );
      const baseline = await measure(ctx, 'baseline', victimA, tasks);
      ctx.progress(`  the same on a route with retries on another endpoint`);
      const optimized = await measure(ctx, 'optimized', victimB, tasks);
      const passed =
        optimized.tasksFailed === 0 &&
        optimized.tasksCompleted === tasks &&
        optimized.settledTwice === 0 &&
        optimized.victimRequests > 0;
      return {
        baseline,
        optimized,
        change: { tasksFailed: optimized.tasksFailed - baseline.tasksFailed },
        passed,
        property:
          `Sarah: ${optimized.tasksFailed} failed tasks (${optimized.tasksCompleted}/${tasks} completed, each reported once) ` +
          `with an endpoint killed after it served ${optimized.victimRequests} requests; without retries ${baseline.tasksFailed} failed`,
      };
    } finally {
      await ctx.bus.request('network.routing.configure', { routes: routesBefore });
      await Promise.all(survivors.map((u) => u.setBehaviour({})));
    }
  },
};

interface FailoverFigures extends Figures {
  tasks: number;
  tasksCompleted: number;
  tasksFailed: number;
  settledTwice: number;
  victimRequests: number;
  victimFailures: number;
}

function routesOf(
  phases: Record<string, { cluster: string; prefix: string; retries: number | undefined }>,
): RouteConfig[] {
  return Object.values(phases).map(({ cluster, prefix, retries }) => ({
    id: cluster,
    match: { path: prefix },
    cluster,
    ...(retries === undefined ? {} : { policy: { retries } }),
  }));
}

async function measure(
  ctx: ScenarioContext,
  phase: keyof typeof PHASES,
  victim: DemoUpstream,
  tasks: number,
): Promise<FailoverFigures> {
  const { cluster, prefix } = PHASES[phase];
  const tracker = new TaskTracker(ctx.bus);
  const killAt = Math.floor(tasks / 3);
  let killed: Promise<void> | undefined;
  let completed = 0;
  let failed = 0;
  try {
    const load = await runLoad({ count: tasks, concurrency: CONCURRENCY, signal: ctx.signal }, async (i) => {
      if (i === killAt) killed = victim.kill();
      const gets = Array.from({ length: GETS_PER_TASK }, (_, g) => `${prefix}task-${i}/${g}`);
      const outcome = await tracker.submit(
        { taskId: `${cluster}-${i}`, kind: 'aggregate', params: { gets } },
        TASK_TIMEOUT_MS,
      );
      if (outcome === 'completed') completed++;
      else failed++;
    });
    await killed;
    const endpoint = (await endpointStats(ctx.bus, cluster)).find((e) => e.origin === victim.origin);
    return {
      tasks: load.started,
      tasksCompleted: completed,
      tasksFailed: failed + load.failed,
      settledTwice: [...tracker.settlements.values()].filter((n) => n > 1).length,
      victimRequests: endpoint?.requests ?? 0,
      victimFailures: endpoint?.failures ?? 0,
      throughput: round((load.succeeded * 1_000) / load.durationMs, 1),
    };
  } finally {
    tracker.close();
  }
}

/** The sidecar's measured endpoint stats of `cluster` (a configure naming only the cluster changes nothing). */
async function endpointStats(bus: EventBus, cluster: string) {
  return (await bus.request('network.balancing.configure', { cluster })).stats.endpoints;
}
