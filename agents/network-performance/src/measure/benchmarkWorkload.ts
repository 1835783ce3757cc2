import { comparePaired, type NetworkBenchmarkResult, type PerformanceMetrics } from '@slipstream/contracts';
import { AB_PAIRS, goodput, interleavedAb } from '../optimize/interleavedAb';
import { measureWorkload, type Workload, type WorkloadTarget } from './measureWorkload';

/** What `benchmarkWorkload` measures: the same workload on two targets. */
export type BenchmarkFigures = Pick<NetworkBenchmarkResult, 'ratios' | 'ranges' | 'pairs'> & {
  /** The baseline block with the median goodput. */
  baseline: PerformanceMetrics;
  /** The candidate block with the median goodput. */
  candidate: PerformanceMetrics;
};

/**
 * Runs `workload` on `baseline` and `candidate` in `AB_PAIRS` pairs of blocks, alternating
 * (baseline-candidate, candidate-baseline, …) so a drift of the machine's load favours neither,
 * each block a `1 / AB_PAIRS` share of the requests; each ratio (candidate ÷ baseline) is the
 * median of the per-pair ratios with its interval (`comparePaired`). The candidate is warmed first by
 * `warm` (unmeasured).
 */
export async function benchmarkWorkload(
  baseline: WorkloadTarget,
  candidate: WorkloadTarget,
  workload: Workload,
  warm: () => Promise<void>,
): Promise<BenchmarkFigures> {
  await warm();
  const block = { ...workload, requests: Math.max(1, Math.ceil(workload.requests / AB_PAIRS)) };
  let target = baseline;
  const { blocks } = await interleavedAb({
    useOld: () => Promise.resolve(void (target = baseline)),
    useNew: () => Promise.resolve(void (target = candidate)),
    block: () => measureWorkload(target, block),
  });
  const side = (s: 'old' | 'new'): PerformanceMetrics[] =>
    blocks.filter((b) => b.settings === s).map((b) => b.metrics);
  const [old, neu] = [side('old'), side('new')];
  // 'higher' orients every ratio as new ÷ old, i.e. candidate ÷ baseline, whatever the metric.
  const paired = (metric: keyof PerformanceMetrics) =>
    comparePaired(
      metric,
      'higher',
      old.map((m) => m[metric] as number),
      neu.map((m) => m[metric] as number),
    );
  const throughput = paired('throughput');
  const latencyP99 = paired('latencyP99');
  const latency = paired('latency');
  return {
    baseline: medianByGoodput(old),
    candidate: medianByGoodput(neu),
    ratios: { throughput: throughput.median, latencyP99: latencyP99.median, latency: latency.median },
    ranges: {
      throughput: [throughput.low, throughput.high],
      latencyP99: [latencyP99.low, latencyP99.high],
      latency: [latency.low, latency.high],
    },
    pairs: throughput.pairs,
  };
}

/** The block whose goodput is the median of `blocks`. */
function medianByGoodput(blocks: readonly PerformanceMetrics[]): PerformanceMetrics {
  return [...blocks].sort((a, b) => goodput(a) - goodput(b))[Math.floor(blocks.length / 2)]!;
}
