import { createNetworkClient, type NetworkClient } from '@slipstream/client';
import type { BehaviourRule, SpawnedUpstream } from '@slipstream/testkit';

import { assertOk } from '../clients/assertOk';
import { runClosedLoop, type ClosedLoopResult } from '../harness/closedLoop';
import { runRounds, summarizeRuns } from '../harness/compare';
import { pairedRatio } from '../harness/pairedRatio';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { ratioVerdict } from '../harness/verdict';

/** Requests per run of one variant. */
const OPERATIONS = 600;
/** Requests in flight. */
const CONCURRENCY = 10;
/** A run ends early after this long, ms. */
const MAX_RUN_MS = 15_000;
/** Request ids: each endpoint answers a tenth of them late, a different tenth per endpoint. */
const IDS = 30;
const ENDPOINTS = 3;
/** Normal latency and the late one, ms. */
const NORMAL = { distribution: 'normal', mean: 10, stddev: 2 } as const;
const LATE_MS = 200;
const CLUSTER = 'bench';
/** The hedge delay's quantile: the route's observed p90, as the variant's name says. */
const QUANTILE = 0.9;

/** Endpoint `k` answers ids 3k..3k+2 (1 in 10) `LATE_MS` late, the rest after `NORMAL`. */
function behaviourOf(k: number): BehaviourRule[] {
  const late = Array.from({ length: IDS / 10 }, (_, i) => k * (IDS / 10) + i);
  return [
    ...late.map((id) => ({ match: { path: `/bench/${id}` }, behaviour: { latencyMs: LATE_MS } })),
    { match: { pathPrefix: '/bench/' }, behaviour: { latencyMs: NORMAL } },
  ];
}

/** The pipeline over the 3 endpoints, with or without hedging at the route's p90. */
function clientFor(upstreams: readonly SpawnedUpstream[], hedge: boolean): NetworkClient {
  return createNetworkClient({
    clusters: [{ cluster: CLUSTER, endpoints: upstreams.map((u) => ({ origin: u.origin })) }],
    routes: [
      {
        id: 'bench',
        match: { path: '/bench/' },
        cluster: CLUSTER,
        policy: hedge ? { hedge: { quantile: QUANTILE } } : {},
      },
    ],
    breaker: { volumeThreshold: 100_000 },
    pool: { connections: CONCURRENCY * 2 },
  });
}

/**
 * Suite `hedge`: 3 endpoints, each answering 1 request in 10 (a different tenth each) 200 ms
 * late and the rest after ~10 ms; p99 and upstream requests of the pipeline with
 * `policy.hedge` (delay at the route's observed p90, one backup) vs without, alternating.
 */
export const hedgeSuite: Suite = {
  name: 'hedge',
  description: `tail latency with hedging at p90 vs without (3 endpoints, 1 in 10 late by ${LATE_MS} ms; ${OPERATIONS} requests × ${CONCURRENCY} in flight per run)`,
  run: (ctx) =>
    withUpstreams(ENDPOINTS, { requestLogSize: 0 }, async (upstreams) => {
      await Promise.all(upstreams.map((u, k) => u.setBehaviour(behaviourOf(k))));
      const clients = {
        'without hedging': clientFor(upstreams, false),
        'hedging at p90': clientFor(upstreams, true),
      };
      const upstreamRequests = async (): Promise<number> =>
        (await Promise.all(upstreams.map((u) => u.counters()))).reduce((n, c) => n + c.requestsReceived, 0);
      const sent: Record<keyof typeof clients, number[]> = { 'without hedging': [], 'hedging at p90': [] };
      const loop =
        (name: keyof typeof clients) => async (): Promise<ClosedLoopResult & { upstream: number }> => {
          const client = clients[name];
          const before = await upstreamRequests();
          const result = await runClosedLoop({
            operations: OPERATIONS,
            concurrency: CONCURRENCY,
            maxDurationMs: MAX_RUN_MS,
            operation: async (i) => {
              const res = await client.request({ path: `/bench/${(i * 7919) % IDS}` });
              assertOk(res.statusCode);
            },
          });
          const upstream = (await upstreamRequests()) - before;
          sent[name].push(upstream / result.operations);
          return { ...result, upstream: upstream / result.operations };
        };
      try {
        const runs = await runRounds(
          ctx.rounds,
          { 'without hedging': loop('without hedging'), 'hedging at p90': loop('hedging at p90') },
          {
            onRound: (round, name, r) =>
              ctx.progress(`round ${round + 1}/${ctx.rounds} ${name}: p99 ${r.latency.p99.toFixed(1)} ms`),
          },
        );
        const p99 = pairedRatio(runs['hedging at p90'], runs['without hedging'], (r) => r.latency.p99);
        const upstream = pairedRatio(runs['hedging at p90'], runs['without hedging'], (r) => r.upstream);
        const hedging = clients['hedging at p90'].stats().hedging.bench;
        const s = {
          'without hedging': summarizeRuns(runs['without hedging']),
          'hedging at p90': summarizeRuns(runs['hedging at p90']),
        };
        return {
          ratios: { hedgedVsUnhedgedP99: p99.median, hedgedVsUnhedgedUpstreamRequests: upstream.median },
          results: { ...s, p99, upstream, hedging, upstreamRequestsPerCall: sent },
          table: Object.entries(s).map(([name, summary]) => summaryRow(name, summary)),
          notes: [
            ratioVerdict('p99 with ÷ without hedging', p99, { op: '≤', value: 0.5 }),
            ratioVerdict('upstream requests per call with ÷ without hedging', upstream, {
              op: '≤',
              value: 1.15,
            }),
            `hedger: ${hedging?.hedges ?? 0} backups for ${hedging?.requests ?? 0} requests, ${hedging?.hedgeWins ?? 0} won; delay in force ${hedging?.delayMs?.toFixed(1) ?? '-'} ms`,
            `sizes: ${OPERATIONS} requests per run, ${CONCURRENCY} in flight, ≤ ${MAX_RUN_MS} ms per run; ${ctx.rounds} rounds alternating, after one warm-up run each`,
          ],
        };
      } finally {
        await Promise.all(Object.values(clients).map((c) => c.close()));
      }
    }),
};
