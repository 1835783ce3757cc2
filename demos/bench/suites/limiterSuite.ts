import { OverloadedError } from '@slipstream/contracts';
import { createNetworkClient, type NetworkClient } from '@slipstream/client';

import { assertOk } from '../clients/assertOk';
import { runClosedLoop } from '../harness/closedLoop';
import { runRounds, summarizeRuns } from '../harness/compare';
import { describePairedRatio, pairedRatio } from '../harness/pairedRatio';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { ratioVerdict } from '../harness/verdict';
import { runCongestedCase, UPSTREAM_WORKERS } from './limiterCongested';

/** Closed-loop callers. */
const CALLERS = 100;
/** Each run starts a fresh client (a cold limiter) and lasts this long, ms. */
const RUN_MS = 2_000;
/** The upstream's latency, ms (uncongested: it serves every request in parallel). */
const LATENCY_MS = 50;
/** One-at-a-time traffic before the burst, ms, and the burst's size. */
const TRICKLE_MS = 12_000;
const BURST = 400;
const CLUSTER = 'bench';

type Variant = 'adaptive (defaults)' | 'fixed 1000' | 'fixed 8';

const CONCURRENCY: Record<Variant, { enabled?: boolean; initialLimit?: number }> = {
  'adaptive (defaults)': {},
  'fixed 1000': { enabled: false, initialLimit: 1_000 },
  'fixed 8': { enabled: false, initialLimit: 8 },
};

function clientFor(origin: string, variant: Variant): NetworkClient {
  return createNetworkClient({
    clusters: [{ cluster: CLUSTER, endpoints: [{ origin }] }],
    adaptiveConcurrency: CONCURRENCY[variant],
    pool: { connections: CALLERS * 2 },
  });
}

/**
 * Suite `limiter`: the adaptive concurrency limit (defaults) vs fixed 1000 vs fixed 8 against an
 * uncongested 50 ms upstream with 100 closed-loop callers, each run from a cold client for 2 s
 * (throughput reached within 2 s); then, once, 12 s of one-at-a-time traffic followed by a
 * burst of 400 through the adaptive client (requests shed); then (b) the three against an upstream
 * that serves 16 at once and queues the rest (`runCongestedCase`).
 */
export const limiterSuite: Suite = {
  name: 'limiter',
  description: `adaptive limit vs fixed 1000 / 8 on (a) an uncongested ${LATENCY_MS} ms upstream (${CALLERS} callers, ${RUN_MS} ms from cold per run), a burst of ${BURST} after ${TRICKLE_MS / 1_000} s of trickle, and (b) an upstream serving ${UPSTREAM_WORKERS} at once`,
  run: (ctx) =>
    withUpstreams(1, { requestLogSize: 0 }, async ([upstream]) => {
      await upstream!.setBehaviour({ latencyMs: LATENCY_MS });
      const origin = upstream!.origin;
      const limits: Record<Variant, number[]> = {
        'adaptive (defaults)': [],
        'fixed 1000': [],
        'fixed 8': [],
      };
      const loop = (variant: Variant) => async () => {
        const client = clientFor(origin, variant);
        try {
          const result = await runClosedLoop({
            operations: Math.ceil((CALLERS * RUN_MS * 2) / LATENCY_MS),
            concurrency: CALLERS,
            maxDurationMs: RUN_MS,
            operation: async () =>
              assertOk((await client.request({ path: '/bench', cluster: CLUSTER })).statusCode),
          });
          limits[variant].push(client.stats().routing.concurrencyLimits[CLUSTER] ?? 0);
          return result;
        } finally {
          await client.close();
        }
      };
      const runs = await runRounds(
        ctx.rounds,
        {
          'adaptive (defaults)': loop('adaptive (defaults)'),
          'fixed 1000': loop('fixed 1000'),
          'fixed 8': loop('fixed 8'),
        },
        {
          // Each run's client is cold; the warm-up runs warm the upstream process (its JIT) for all alike.
          warmUp: true,
          onRound: (round, name, r) =>
            ctx.progress(`round ${round + 1}/${ctx.rounds} ${name}: ${r.throughput.toFixed(0)} req/s`),
        },
      );
      const throughput = pairedRatio(runs['adaptive (defaults)'], runs['fixed 1000'], (r) => r.throughput);

      ctx.progress(`trickle for ${TRICKLE_MS} ms, then a burst of ${BURST}`);
      const client = clientFor(origin, 'adaptive (defaults)');
      let shed = 0;
      let failed = 0;
      let limitBeforeBurst = 0;
      try {
        const until = Date.now() + TRICKLE_MS;
        let trickled = 0;
        while (Date.now() < until) {
          assertOk((await client.request({ path: '/bench', cluster: CLUSTER })).statusCode);
          trickled += 1;
        }
        limitBeforeBurst = client.stats().routing.concurrencyLimits[CLUSTER] ?? 0;
        const burst = await Promise.allSettled(
          Array.from({ length: BURST }, () => client.request({ path: '/bench', cluster: CLUSTER })),
        );
        for (const r of burst) {
          if (r.status === 'fulfilled') continue;
          if (OverloadedError.is(r.reason)) shed += 1;
          else failed += 1;
        }
        ctx.progress(`trickled ${trickled} requests; limit before the burst ${limitBeforeBurst}`);
      } finally {
        await client.close();
      }
      ctx.progress(`(b) an upstream that serves ${UPSTREAM_WORKERS} at once and queues the rest`);
      const congested = await runCongestedCase(
        ctx,
        upstream!,
        CALLERS,
        ['adaptive (defaults)', 'fixed 1000', 'fixed 8'] as const,
        (variant) => clientFor(origin, variant),
        CLUSTER,
        LATENCY_MS,
      );
      const s = {
        'adaptive (defaults)': summarizeRuns(runs['adaptive (defaults)']),
        'fixed 1000': summarizeRuns(runs['fixed 1000']),
        'fixed 8': summarizeRuns(runs['fixed 8']),
      };
      return {
        ratios: {
          adaptiveVsFixed1000Throughput: throughput.median,
          burstShed: shed,
          congestedAdaptiveVsFixed1000P99: congested.p99.median,
        },
        results: {
          ...s,
          throughput,
          limitsAtEndOfRun: limits,
          burst: { size: BURST, shed, failed, limitBeforeBurst },
          congested: { runs: congested.runs, p99: congested.p99 },
        },
        table: Object.entries(s).map(([name, summary]) => summaryRow(name, summary)),
        notes: [
          describePairedRatio(
            `(a) throughput over the first ${RUN_MS} ms, adaptive ÷ fixed 1000`,
            throughput,
          ),
          ratioVerdict('(a) throughput adaptive ÷ fixed 1000', throughput, { op: '≥', value: 0.9 }),
          `limit at the end of each recorded adaptive run: ${limits['adaptive (defaults)'].slice(-ctx.rounds).join(', ')}`,
          `burst of ${BURST} after ${TRICKLE_MS / 1_000} s of one-at-a-time traffic: ${shed} shed (target 0), ${failed} other failures; limit before it ${limitBeforeBurst}`,
          `sizes: ${CALLERS} callers, ${RUN_MS} ms per run from a cold client, upstream ${LATENCY_MS} ms; ${ctx.rounds} rounds rotating the order`,
          ...congested.notes,
        ],
      };
    }),
};
