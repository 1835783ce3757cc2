import { goodput } from '@slipstream/agent-network-performance';
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

/** Connections per origin the sidecar is mis-tuned to, under the workload's 16 callers. */
const MISTUNED_CONNECTIONS = 1;
/** Upstream latency during the scenario, ms: waiting for a connection then costs real time. */
const LATENCY_MS = 10;

/**
 * Scenario 10: the whole system at once. The sidecar is mis-tuned (one connection per origin,
 * set with `network.pooling.configure`) while Sarah works through tasks on the default cluster
 * and `network.optimize` (measure, plan from the measurement, A/B the plan) and then
 * `network.benchmark` run on the sidecar, all asked over the bus. Baseline and optimized are
 * the median A/B blocks of the old and the new settings (the probe when no A/B ran). It passes
 * when network.optimize found the queueing, proved its plan `improved` with an interval above
 * 1, claimed only what it measured, and Sarah completed every task. Switched off, the sidecar is
 * left well-tuned, so the plan is empty (a no-op) and nothing can be shown improved.
 */
export const fullSystem: Scenario = {
  id: 10,
  name: 'full system: optimize + benchmark',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const tasks = scaled(120, ctx.scale, 30);
    const tracker = new TaskTracker(ctx.bus);
    const pooling = (await ctx.bus.request('network.pooling.configure', {})).applied;
    let completed = 0;
    try {
      await Promise.all(ctx.upstreams.map((u) => u.setBehaviour({ latencyMs: LATENCY_MS })));
      if (ctx.featureOff !== true) {
        await ctx.bus.request('network.pooling.configure', { connections: MISTUNED_CONNECTIONS });
      }
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
      const baseline = figuresOf(medianBlock(optimize, 'old') ?? optimize.performanceMetrics);
      const optimized = figuresOf(medianBlock(optimize, 'new') ?? optimize.performanceMetrics);
      optimized.sarahCompleted = completed;
      optimized.sarahFailed = work.started - completed;
      const measured = [optimize.performanceMetrics, benchmark.baseline, benchmark.candidate];
      const ratios = Object.values(benchmark.ratios);
      const passed =
        optimize.success &&
        claimsOnlyWhatItMeasured(optimize) &&
        optimize.verdict === 'improved' &&
        (optimize.comparison?.low ?? 0) > 1 &&
        measured.every(
          (m) => m.requests > 0 && Number.isFinite(m.latency) && Number.isFinite(m.throughput),
        ) &&
        ratios.every(Number.isFinite) &&
        completed === tasks;
      const change: Figures = {
        planned: optimize.plan.length,
        verdict: optimize.verdict,
        benchThroughputRatio: round(benchmark.ratios.throughput),
        benchThroughputRange: benchmark.ranges.throughput.map((r) => round(r)).join('–'),
        benchP99Ratio: round(benchmark.ratios.latencyP99),
        benchP99Range: benchmark.ranges.latencyP99.map((r) => round(r)).join('–'),
        benchPairs: benchmark.pairs,
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
          `verdict ${optimize.verdict}` +
          (optimize.comparison
            ? ` (goodput ratio ${round(optimize.comparison.median, 3)}, interval ${round(optimize.comparison.low, 3)}–${round(optimize.comparison.high, 3)})`
            : '') +
          `; network.benchmark measured ${benchmark.pairs} interleaved pairs of blocks ` +
          `of ${benchmark.baseline.requests} requests on ${benchmark.machine.cores} cores, ` +
          `Sarah completed ${completed}/${tasks} tasks meanwhile`,
      };
    } finally {
      tracker.close();
      await ctx.bus.request('network.pooling.configure', { connections: pooling.connections });
      await Promise.all(ctx.upstreams.map((u) => u.setBehaviour({})));
    }
  },
};

/**
 * Whether `network.optimize` claimed only what it measured: every planned change names a
 * measurement past its threshold; an empty plan carries no comparison and changed nothing; a
 * plan was A/B-tested over at least `MIN_AB_PAIRS` pairs, and a `worse` one was not kept.
 */
export function claimsOnlyWhatItMeasured(result: NetworkOptimizationResult): boolean {
  const motivated = result.plan.every(({ motivation: m }) =>
    m.comparator === '≥' ? m.value >= m.threshold : m.value < m.threshold,
  );
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

/** The block of `settings` whose goodput is the median of that side's blocks; undefined when no A/B ran. */
function medianBlock(
  result: NetworkOptimizationResult,
  settings: 'old' | 'new',
): PerformanceMetrics | undefined {
  const blocks = result.blocks
    .filter((b) => b.settings === settings)
    .map((b) => b.metrics)
    .sort((a, b) => goodput(a) - goodput(b));
  return blocks[Math.floor(blocks.length / 2)];
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
