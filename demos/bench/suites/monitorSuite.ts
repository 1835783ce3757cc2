import { pipelineClient } from '../clients/pipelineClient';
import { runClosedLoop } from '../harness/closedLoop';
import { compareRounds } from '../harness/compare';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { ratio } from '../harness/summarize';
import { verdict } from '../harness/verdict';

/** Requests per run of one variant. */
const OPERATIONS = 3_000;
/** Requests in flight (and pool connections). */
const CONCURRENCY = 32;
/** A run ends early after this long, ms. */
const MAX_RUN_MS = 6_000;

/**
 * Suite `monitor`: the full pipeline to one upstream process with monitoring on (every request
 * recorded in a `MetricsRegistry`) vs off. Sizes: 3 000 requests per run, 32 in flight, at
 * most 6 s per run.
 */
export const monitorSuite: Suite = {
  name: 'monitor',
  description: `pipeline with monitoring on vs off (${OPERATIONS} GETs × ${CONCURRENCY} in flight per run)`,
  run: (ctx) =>
    withUpstreams(1, { requestLogSize: 0 }, async ([upstream]) => {
      const url = new URL('/bench', upstream!.url);
      const on = pipelineClient(url, { connections: CONCURRENCY, monitoring: true });
      const off = pipelineClient(url, { connections: CONCURRENCY, monitoring: false });
      const loop = (get: () => Promise<void>) => () =>
        runClosedLoop({
          operations: OPERATIONS,
          concurrency: CONCURRENCY,
          maxDurationMs: MAX_RUN_MS,
          operation: get,
        });
      try {
        const s = await compareRounds(
          ctx.rounds,
          { 'monitoring off': loop(() => off.get()), 'monitoring on': loop(() => on.get()) },
          {
            onRound: (round, name, r) =>
              ctx.progress(`round ${round + 1}/${ctx.rounds} ${name}: ${Math.round(r.throughput)} req/s`),
          },
        );
        const ratios = {
          monitorOnVsOffThroughput: ratio(s['monitoring on'].throughput, s['monitoring off'].throughput),
          monitorOnVsOffCpuPerRequest: ratio(s['monitoring on'].cpuPerOpUs, s['monitoring off'].cpuPerOpUs),
        };
        return {
          ratios,
          results: s,
          table: Object.entries(s).map(([name, summary]) => summaryRow(name, summary)),
          notes: [
            verdict(
              'monitoring overhead ≤ 5 % (throughput ratio ≥ 0.95)',
              ratios.monitorOnVsOffThroughput >= 0.95,
            ),
            `sizes: ${OPERATIONS} requests per run, ${CONCURRENCY} in flight, ≤ ${MAX_RUN_MS} ms per run; medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all([on.close(), off.close()]);
      }
    }),
};
