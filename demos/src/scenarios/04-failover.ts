import { createNetworkClient, type ClientRetryOptions } from '@slipstream/client';
import type { DemoUpstream } from '../environment/DemoUpstream';
import { round } from '../runner/figures';
import { runLoad } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { TaskTracker } from './support/TaskTracker';
import { TaskWorker } from './support/TaskWorker';
import { scaled } from './support/workload';

const CALLS_PER_TASK = 3;
const CONCURRENCY = 6;
const TASK_TIMEOUT_MS = 15_000;
const LATENCY_MS = 5;

/**
 * Scenario 4: Sarah-style tasks flow over the bus while one of three endpoints is killed
 * (SIGKILL of its process) a third of the way through. Without retries some tasks fail; with
 * budgeted retries on another endpoint and outlier ejection, none may.
 */
export const failover: Scenario = {
  id: 4,
  name: 'failover (endpoint killed)',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const tasks = scaled(90, ctx.scale, 30);
    const [victimA, victimB] = await Promise.all([ctx.spawnUpstream(), ctx.spawnUpstream()]);
    const survivors = ctx.upstreams.slice(0, 2);
    await Promise.all([...survivors, victimA, victimB].map((u) => u.setBehaviour({ latencyMs: LATENCY_MS })));
    try {
      ctx.progress(
        `  ${tasks} tasks × ${CALLS_PER_TASK} calls, endpoint killed after ${Math.floor(tasks / 3)}: no retries`,
      );
      const baseline = await measure(ctx, 'baseline', [...survivors, victimA], victimA, tasks, {
        maxRetries: 0,
      });
      ctx.progress(`  the same with retries on another endpoint + outlier ejection`);
      const optimized = await measure(ctx, 'optimized', [...survivors, victimB], victimB, tasks, {});
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
          `${optimized.tasksFailed} failed Sarah tasks (${optimized.tasksCompleted}/${tasks} completed) with the ` +
          `endpoint killed after it served ${optimized.victimRequests} requests; without retries ${baseline.tasksFailed} failed`,
      };
    } finally {
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
  retries: number;
  throughput: number;
}

async function measure(
  ctx: ScenarioContext,
  label: string,
  endpoints: readonly DemoUpstream[],
  victim: DemoUpstream,
  tasks: number,
  retry: ClientRetryOptions,
): Promise<FailoverFigures> {
  const client = createNetworkClient(
    {
      clusters: [{ cluster: 'failover', endpoints: endpoints.map((u) => ({ origin: u.origin })) }],
      retry: { baseDelayMs: 5, ...retry },
    },
    { bus: ctx.bus, logger: ctx.logger },
  );
  const prefix = `failover-${label}-`;
  const worker = new TaskWorker(ctx.bus, client, 'failover', prefix, `demo-sarah-${label}`);
  const tracker = new TaskTracker(ctx.bus);
  const killAt = Math.floor(tasks / 3);
  let killed: Promise<void> | undefined;
  let completed = 0;
  let failed = 0;
  try {
    const load = await runLoad({ count: tasks, concurrency: CONCURRENCY, signal: ctx.signal }, async (i) => {
      if (i === killAt) killed = victim.kill();
      const outcome = await tracker.submit(
        { taskId: `${prefix}${i}`, kind: 'aggregate', params: { calls: CALLS_PER_TASK } },
        TASK_TIMEOUT_MS,
      );
      if (outcome === 'completed') completed++;
      else failed++;
    });
    await killed;
    const endpoint = client.stats().clusters[0]?.endpoints.find((e) => e.origin === victim.origin);
    return {
      tasks: load.started,
      tasksCompleted: completed,
      tasksFailed: failed + load.failed,
      settledTwice: [...tracker.settlements.values()].filter((n) => n > 1).length,
      victimRequests: endpoint?.requests ?? 0,
      retries: client.stats().retry.retries,
      throughput: round(load.throughput, 1),
    };
  } finally {
    tracker.close();
    worker.close();
    await client.close();
  }
}
