import { BrokenCircuitError } from '@slipstream/contracts';
import { createNetworkClient } from '@slipstream/client';
import { PoolManager } from '@slipstream/http';

import { assertOk } from '../clients/assertOk';
import { runClosedLoop } from '../harness/closedLoop';
import { compareRounds } from '../harness/compare';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { ratio } from '../harness/summarize';

/** Calls per run of one variant. */
const OPERATIONS = 400;
/** Calls in flight (and pool connections). */
const CONCURRENCY = 16;
/** A run ends early after this long, ms. */
const MAX_RUN_MS = 10_000;
/** The outage: every request is answered 503 after this long, ms. */
const OUTAGE_LATENCY_MS = 100;
const CLUSTER = 'bench';

/**
 * Suite `breaker`: an outage (the upstream process answers every request 503 after 100 ms);
 * latency of calls without a breaker (the http package's pool alone) vs through the pipeline,
 * whose per-endpoint breaker opens after the warm-up's failures (5 calls, 50 %, reset 60 s,
 * no retries). Sizes: 400 calls per run, 16 in flight, at most 10 s per run.
 */
export const breakerSuite: Suite = {
  name: 'breaker',
  description: `outage latency, breaker open vs no breaker (${OPERATIONS} calls × ${CONCURRENCY} in flight per run)`,
  run: (ctx) =>
    withUpstreams(1, { requestLogSize: 0 }, async ([upstream]) => {
      await upstream!.setBehaviour({ status: 503, latencyMs: OUTAGE_LATENCY_MS });
      const origin = upstream!.origin;
      const pool = new PoolManager({ connections: CONCURRENCY });
      const client = createNetworkClient({
        clusters: [{ cluster: CLUSTER, endpoints: [{ origin }] }],
        breaker: { volumeThreshold: 5, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 },
        retry: { maxRetries: 0 },
        pool: { connections: CONCURRENCY },
      });
      let fastFailures = 0;
      let breakerCalls = 0;
      const loop = (operation: () => Promise<void>) => () =>
        runClosedLoop({
          operations: OPERATIONS,
          concurrency: CONCURRENCY,
          maxDurationMs: MAX_RUN_MS,
          operation,
        });
      try {
        const s = await compareRounds(
          ctx.rounds,
          {
            'no breaker': loop(async () => {
              const res = await pool.request({ origin, path: '/bench', method: 'GET' });
              assertOk(res.statusCode);
            }),
            'breaker open': loop(async () => {
              breakerCalls++;
              try {
                const res = await client.request({ path: '/bench', cluster: CLUSTER });
                assertOk(res.statusCode);
              } catch (err) {
                if (BrokenCircuitError.is(err)) fastFailures++;
                throw err;
              }
            }),
          },
          {
            onRound: (round, name, r) =>
              ctx.progress(`round ${round + 1}/${ctx.rounds} ${name}: p50 ${r.latency.p50.toFixed(2)} ms`),
          },
        );
        const ratios = {
          openVsNoBreakerLatency: ratio(s['breaker open'].p50, s['no breaker'].p50),
          openVsNoBreakerP99: ratio(s['breaker open'].p99, s['no breaker'].p99),
        };
        const upstreamSaw = (await upstream!.counters()).requestsReceived;
        return {
          ratios,
          results: { ...s, fastFailures, breakerCalls, upstreamRequestsReceived: upstreamSaw },
          table: Object.entries(s).map(([name, summary]) => summaryRow(name, summary, 'call')),
          notes: [
            `through the pipeline, ${fastFailures} of ${breakerCalls} calls (warm-up included) failed fast with BrokenCircuitError`,
            'every call fails in this suite (that is the outage); the latency is how long a caller waits to learn it',
            `sizes: ${OPERATIONS} calls per run, ${CONCURRENCY} in flight, ≤ ${MAX_RUN_MS} ms per run, outage answers 503 after ${OUTAGE_LATENCY_MS} ms; medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all([client.close(), pool.close()]);
      }
    }),
};
