import type { BalancerAlgorithm } from '@slipstream/contracts';

import { pipelineClient, type PipelineLoadClient } from '../clients/pipelineClient';
import { runClosedLoop } from '../harness/closedLoop';
import { runRounds, summarizeRuns, type VariantSummary } from '../harness/compare';
import { pairedRatio } from '../harness/pairedRatio';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { ratio } from '../harness/summarize';
import { ratioVerdict } from '../harness/verdict';

/** Requests per run of one variant. */
const OPERATIONS = 1_500;
/** Requests in flight. */
const CONCURRENCY = 16;
/** A run ends early after this long, ms. */
const MAX_RUN_MS = 15_000;
/** Upstream processes in the cluster; the last one is slow. */
const ENDPOINTS = 3;
/** Latency of the fast endpoints, ms. */
const BASE_LATENCY_MS = 5;
/** How much slower the slow endpoint is, ms. */
const EXTRA_LATENCY_MS = 100;

const ALGORITHMS = [
  'round-robin',
  'least-outstanding',
  'p2c-peak-ewma',
] as const satisfies readonly BalancerAlgorithm[];

/**
 * Suite `balancing`: the pipeline over a cluster of three upstream processes, one of them
 * 100 ms slower than the others (5 ms), with round-robin, least-outstanding and P2C + peak
 * EWMA; p50 / p99 / p99.9 per algorithm. Sizes: 1 500 requests per run, 16 in flight, at most
 * 15 s per run.
 */
export const balancingSuite: Suite = {
  name: 'balancing',
  description: `round-robin vs least-outstanding vs P2C + peak EWMA, one of ${ENDPOINTS} endpoints ${EXTRA_LATENCY_MS} ms slower (${OPERATIONS} GETs × ${CONCURRENCY} in flight per run)`,
  run: (ctx) =>
    withUpstreams(ENDPOINTS, { requestLogSize: 0 }, async (upstreams) => {
      await Promise.all(
        upstreams.map((u, i) =>
          u.setBehaviour({ latencyMs: BASE_LATENCY_MS + (i === ENDPOINTS - 1 ? EXTRA_LATENCY_MS : 0) }),
        ),
      );
      const url = new URL('/bench', upstreams[0]!.url);
      const extraOrigins = upstreams.slice(1).map((u) => u.origin);
      const clients = Object.fromEntries(
        ALGORITHMS.map((algorithm) => [
          algorithm,
          pipelineClient(url, { connections: CONCURRENCY, extraOrigins, algorithm }),
        ]),
      ) as Record<(typeof ALGORITHMS)[number], PipelineLoadClient>;
      const loop = (client: PipelineLoadClient) => () =>
        runClosedLoop({
          operations: OPERATIONS,
          concurrency: CONCURRENCY,
          maxDurationMs: MAX_RUN_MS,
          operation: () => client.get(),
        });
      try {
        const runs = await runRounds(
          ctx.rounds,
          {
            'round-robin': loop(clients['round-robin']),
            'least-outstanding': loop(clients['least-outstanding']),
            'p2c-peak-ewma': loop(clients['p2c-peak-ewma']),
          },
          {
            onRound: (round, name, r) =>
              ctx.progress(`round ${round + 1}/${ctx.rounds} ${name}: p99 ${r.latency.p99.toFixed(1)} ms`),
          },
        );
        const s = Object.fromEntries(
          ALGORITHMS.map((algorithm) => [algorithm, summarizeRuns(runs[algorithm])]),
        ) as Record<(typeof ALGORITHMS)[number], VariantSummary>;
        // One pair per round: the two algorithms' runs of that round.
        const p2cEwmaVsRoundRobinP99 = pairedRatio(
          runs['p2c-peak-ewma'],
          runs['round-robin'],
          (r) => r.latency.p99,
        );
        const slow = upstreams[ENDPOINTS - 1]!.origin;
        const slowShare = (algorithm: (typeof ALGORITHMS)[number]): number => {
          const endpoints = clients[algorithm].client.stats().clusters[0]?.endpoints ?? [];
          const total = endpoints.reduce((sum, e) => sum + e.requests, 0);
          return total === 0 ? 0 : (endpoints.find((e) => e.origin === slow)?.requests ?? 0) / total;
        };
        const ratios = {
          p2cEwmaVsRoundRobinP99: ratio(s['p2c-peak-ewma'].p99, s['round-robin'].p99),
          leastOutstandingVsRoundRobinP99: ratio(s['least-outstanding'].p99, s['round-robin'].p99),
          p2cEwmaVsRoundRobinP999: ratio(s['p2c-peak-ewma'].p999, s['round-robin'].p999),
        };
        return {
          ratios,
          results: { ...s, pairedRatios: { p2cEwmaVsRoundRobinP99 } },
          table: ALGORITHMS.map((algorithm) => ({
            ...summaryRow(algorithm, s[algorithm]),
            'share to slow endpoint': Math.round(slowShare(algorithm) * 1000) / 1000,
          })),
          notes: [
            ratioVerdict('P2C + peak EWMA p99 ÷ round-robin p99', p2cEwmaVsRoundRobinP99, {
              op: '≤',
              value: 1 / 3,
            }),
            'share to slow endpoint: requests the client sent to the slow endpoint over all rounds (warm-up included), from its cluster stats',
            `sizes: ${OPERATIONS} requests per run, ${CONCURRENCY} in flight, ≤ ${MAX_RUN_MS} ms per run, endpoints at ${BASE_LATENCY_MS} ms and one at ${BASE_LATENCY_MS + EXTRA_LATENCY_MS} ms; medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all(Object.values(clients).map((c) => c.close()));
      }
    }),
};
