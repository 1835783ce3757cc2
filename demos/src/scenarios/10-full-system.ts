import type { PerformanceMetrics } from '@slipstream/contracts';
import { DEFAULT_CLUSTER } from '../environment/slipstreamAgents';
import { percentChange, round } from '../runner/figures';
import { runLoad } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { TaskTracker } from './support/TaskTracker';
import { scaled } from './support/workload';

const COMMAND_TIMEOUT_MS = 60_000;
const TASK_TIMEOUT_MS = 30_000;
const SARAH_CONCURRENCY = 4;
const BENCHMARK_CONCURRENCY = 8;

/**
 * Scenario 10: the whole system at once. Sarah works through tasks on the default cluster while
 * `network.optimize` (measure, apply, measure again) and then `network.benchmark` run on the
 * sidecar, both asked over the bus. Baseline and optimized are the sidecar's own before/after
 * measurements; Sarah must complete every task.
 */
export const fullSystem: Scenario = {
  id: 10,
  name: 'full system: optimize + benchmark',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const tasks = scaled(120, ctx.scale, 30);
    const tracker = new TaskTracker(ctx.bus);
    let completed = 0;
    try {
      ctx.progress(`  Sarah works through ${tasks} tasks while network.optimize and network.benchmark run`);
      const sarah = runLoad(
        { count: tasks, concurrency: SARAH_CONCURRENCY, signal: ctx.signal },
        async (i) => {
          const outcome = await tracker.submit(
            {
              taskId: `full-system-${i}`,
              kind: 'aggregate',
              params: { gets: [`/sarah/${i}/a`, `/sarah/${i}/b`], cluster: DEFAULT_CLUSTER },
            },
            TASK_TIMEOUT_MS,
          );
          if (outcome === 'completed') completed++;
        },
      );
      const optimize = await ctx.bus.request('network.optimize', {}, { timeoutMs: COMMAND_TIMEOUT_MS });
      ctx.progress(`  network.optimize done (${optimize.after.requests} requests after); network.benchmark`);
      const benchmark = await ctx.bus.request(
        'network.benchmark',
        { requests: scaled(300, ctx.scale, 50), concurrency: BENCHMARK_CONCURRENCY },
        { timeoutMs: COMMAND_TIMEOUT_MS },
      );
      const work = await sarah;
      const baseline = figuresOf(optimize.before);
      const optimized = figuresOf(optimize.after);
      optimized.sarahCompleted = completed;
      optimized.sarahFailed = work.started - completed;
      const measured = [optimize.before, optimize.after, benchmark.baseline, benchmark.candidate];
      const ratios = Object.values(benchmark.ratios);
      const passed =
        optimize.success &&
        measured.every(
          (m) => m.requests > 0 && Number.isFinite(m.latency) && Number.isFinite(m.throughput),
        ) &&
        ratios.every(Number.isFinite) &&
        completed === tasks;
      return {
        baseline,
        optimized,
        change: {
          latency: percentChange(optimize.after.latency, optimize.before.latency),
          throughput: percentChange(optimize.after.throughput, optimize.before.throughput),
          overallImprovement: round(optimize.overallImprovement, 3),
          benchThroughputRatio: round(benchmark.ratios.throughput),
          benchP99Ratio: round(benchmark.ratios.latencyP99),
        },
        passed,
        property:
          `network.optimize success=${String(optimize.success)} with before/after measured ` +
          `(${optimize.before.requests}/${optimize.after.requests} requests), network.benchmark measured ` +
          `${benchmark.baseline.requests}/${benchmark.candidate.requests} requests on ${benchmark.machine.cores} cores, ` +
          `Sarah completed ${completed}/${tasks} tasks meanwhile`,
      };
    } finally {
      tracker.close();
    }
  },
};

function figuresOf(m: PerformanceMetrics): Figures {
  return {
    requests: m.requests,
    latencyMs: round(m.latency, 1),
    p99Ms: round(m.latencyP99, 1),
    throughput: round(m.throughput, 0),
    errorRate: round(m.errorRate, 3),
    reuse: round(m.efficiency, 3),
  };
}
