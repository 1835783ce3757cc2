import { MIN_AB_PAIRS, type NetworkOptimizationResult, type PerformanceMetrics } from '@slipstream/contracts';
import { DEFAULT_CLUSTER } from '../environment/slipstreamAgents';
import { round } from '../runner/figures';
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
 * `network.optimize` (measure, plan from the measurement, A/B the plan) and then
 * `network.benchmark` run on the sidecar, both asked over the bus. Baseline and optimized are
 * the benchmark's two arms (no pipeline, pipeline); the optimize figures are its plan size,
 * verdict and, when it A/B-tested a plan, the goodput ratio with its paired range. It passes
 * when the optimizer claimed only what it measured and Sarah completed every task.
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
      ctx.progress(
        `  network.optimize done (${optimize.plan.length} changes planned, verdict ${optimize.verdict}); network.benchmark`,
      );
      const benchmark = await ctx.bus.request(
        'network.benchmark',
        { requests: scaled(300, ctx.scale, 50), concurrency: BENCHMARK_CONCURRENCY },
        { timeoutMs: COMMAND_TIMEOUT_MS },
      );
      const work = await sarah;
      const baseline = figuresOf(benchmark.baseline);
      const optimized = figuresOf(benchmark.candidate);
      optimized.sarahCompleted = completed;
      optimized.sarahFailed = work.started - completed;
      const measured = [optimize.performanceMetrics, benchmark.baseline, benchmark.candidate];
      const ratios = Object.values(benchmark.ratios);
      const passed =
        optimize.success &&
        claimsOnlyWhatItMeasured(optimize) &&
        measured.every(
          (m) => m.requests > 0 && Number.isFinite(m.latency) && Number.isFinite(m.throughput),
        ) &&
        ratios.every(Number.isFinite) &&
        completed === tasks;
      const change: Figures = {
        planned: optimize.plan.length,
        verdict: optimize.verdict,
        benchThroughputRatio: round(benchmark.ratios.throughput),
        benchP99Ratio: round(benchmark.ratios.latencyP99),
      };
      if (optimize.comparison) {
        change.goodputRatio = round(optimize.comparison.median, 3);
        change.goodputRange = `${round(optimize.comparison.low, 3)}–${round(optimize.comparison.high, 3)}`;
      }
      return {
        baseline,
        optimized,
        change,
        passed,
        property:
          `network.optimize planned ${optimize.plan.length} change(s) from its measurement ` +
          `(${optimize.plan.map((c) => c.motivation.measurement).join(', ') || 'none past a threshold'}), ` +
          `verdict ${optimize.verdict}; network.benchmark measured ` +
          `${benchmark.baseline.requests}/${benchmark.candidate.requests} requests on ${benchmark.machine.cores} cores, ` +
          `Sarah completed ${completed}/${tasks} tasks meanwhile`,
      };
    } finally {
      tracker.close();
    }
  },
};

/**
 * Whether `network.optimize` claimed only what it measured: every planned change names a
 * measurement past its threshold; an empty plan carries no comparison and changed nothing; a
 * plan was A/B-tested over at least `MIN_AB_PAIRS` pairs, and a `worse` one was not kept.
 */
export function claimsOnlyWhatItMeasured(result: NetworkOptimizationResult): boolean {
  const motivated = result.plan.every((c) => c.motivation.value >= c.motivation.threshold);
  if (result.plan.length === 0) {
    return motivated && result.verdict === 'nothing to change' && !result.comparison && !result.applied;
  }
  const comparison = result.comparison;
  return (
    motivated &&
    comparison !== undefined &&
    comparison.pairs >= MIN_AB_PAIRS &&
    comparison.verdict === result.verdict &&
    (result.verdict !== 'worse' || !result.applied)
  );
}

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
