import type { BalancerAlgorithm } from '@slipstream/contracts';
import { round } from '../runner/figures';
import { runLoad } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { expectOk } from './support/expectOk';
import { servedShares } from './support/servedShares';
import { scaled } from './support/workload';

const ENDPOINTS = 5;
const CONCURRENCY = 10;
const FAST_MS = 2;
const SLOW_MS = 400;
/** The slow endpoint's share P2C + peak EWMA must stay under. */
const SLOW_SHARE_LIMIT = 0.05;
const PATH = '/balance';
const CLUSTER = 'lb';

/**
 * Scenario 3: five endpoints, one of them slow (400 ms vs 2 ms), in one cluster of the running
 * sidecar. The same workload through the sidecar under round-robin, then under P2C + peak EWMA,
 * the algorithm switched with `network.balancing.configure` over the bus; traffic shares are the
 * upstreams' own served counts.
 */
export const loadBalancing: Scenario = {
  id: 3,
  name: 'load balancing (1 slow of 5)',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const upstreams = ctx.upstreams.slice(0, ENDPOINTS);
    const slow = upstreams[ENDPOINTS - 1]!;
    const count = scaled(600, ctx.scale, 300);
    await Promise.all(upstreams.map((u) => u.setBehaviour({ latencyMs: u === slow ? SLOW_MS : FAST_MS })));
    try {
      ctx.progress(`  ${count} requests over ${ENDPOINTS} endpoints through the sidecar: round-robin`);
      const baseline = await measure('round-robin', count);
      ctx.progress(`  ${count} requests over ${ENDPOINTS} endpoints through the sidecar: P2C + peak EWMA`);
      const optimized = await measure(ctx.featureOff === true ? 'round-robin' : 'p2c-peak-ewma', count);
      const fair = 1 / ENDPOINTS;
      const passed =
        optimized.slowShare < SLOW_SHARE_LIMIT &&
        Math.abs(baseline.slowShare - fair) <= fair / 4 &&
        optimized.failed === 0 &&
        baseline.failed === 0;
      return {
        baseline,
        optimized,
        change: {
          slowShare: round(optimized.slowShare - baseline.slowShare, 3),
          latencyP99Ms: round(optimized.latencyP99Ms - baseline.latencyP99Ms, 1),
        },
        passed,
        property:
          `slow endpoint share under P2C ${optimized.slowShare} < ${SLOW_SHARE_LIMIT}, ` +
          `under round-robin ${baseline.slowShare} ≈ ${fair}`,
      };
    } finally {
      await Promise.all(upstreams.map((u) => u.setBehaviour({})));
    }

    /** Sets the cluster's algorithm over the bus, then sends `n` requests through the sidecar. */
    async function measure(algorithm: BalancerAlgorithm, n: number): Promise<LbFigures> {
      await ctx.bus.request('network.balancing.configure', {
        cluster: CLUSTER,
        algorithm,
        endpoints: upstreams.map((u) => ({ origin: u.origin })),
      });
      await Promise.all(upstreams.map((u) => u.resetCounters()));
      const load = await runLoad({ count: n, concurrency: CONCURRENCY, signal: ctx.signal }, async () => {
        expectOk(await ctx.network.request({ path: PATH, cluster: CLUSTER }));
      });
      const { shares } = await servedShares(upstreams, PATH);
      return {
        algorithm,
        requests: load.started,
        failed: load.failed,
        slowShare: round(shares[ENDPOINTS - 1] ?? 0, 3),
        latencyMeanMs: round(load.latencyMeanMs, 1),
        latencyP99Ms: round(load.latencyP99Ms, 1),
        throughput: round(load.throughput, 0),
      };
    }
  },
};

interface LbFigures extends Figures {
  algorithm: string;
  requests: number;
  failed: number;
  slowShare: number;
  latencyMeanMs: number;
  latencyP99Ms: number;
  throughput: number;
}
