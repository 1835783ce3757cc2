import { pipelineClient } from '../clients/pipelineClient';
import { runClosedLoop, type ClosedLoopResult } from '../harness/closedLoop';
import { runRounds, summarizeRuns } from '../harness/compare';
import { describePairedRatio, pairedRatio } from '../harness/pairedRatio';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { verdict } from '../harness/verdict';

/**
 * Requests per run of one variant: at 4 000–9 000 req/s a run lasts 1–2.5 s, long enough that
 * a scheduler hiccup of the shared machine moves its figure by a few per cent, not by a fifth
 * (3 000-request runs of 0.3–0.7 s read anywhere from 0.79 to 1.05 on an idle pipeline).
 */
const OPERATIONS = 10_000;
/** Requests in flight (and pool connections). */
const CONCURRENCY = 32;
/** A run ends early after this long, ms. */
const MAX_RUN_MS = 10_000;

/**
 * Suite `monitor`: the full pipeline to one upstream process with monitoring on (every request
 * recorded in a `MetricsRegistry`) vs off. One unrecorded warm-up run each, then per round one
 * run of each, alternating which goes first; the ratios are the medians of the per-round
 * ratios (runs of a round are back to back), with their range. Sizes: 10 000 requests per run,
 * 32 in flight, at most 10 s per run.
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
        const runs = await runRounds(
          ctx.rounds,
          { 'monitoring off': loop(() => off.get()), 'monitoring on': loop(() => on.get()) },
          {
            onRound: (round, name, r) =>
              ctx.progress(
                `round ${round + 1}/${ctx.rounds} ${name}: ${Math.round(r.throughput)} req/s, ${r.cpuPerOpUs.toFixed(1)} µs CPU/req`,
              ),
          },
        );
        const s = {
          'monitoring off': summarizeRuns(runs['monitoring off']),
          'monitoring on': summarizeRuns(runs['monitoring on']),
        };
        const paired = (metric: (r: ClosedLoopResult) => number) =>
          pairedRatio(runs['monitoring on'], runs['monitoring off'], metric);
        const throughput = paired((r) => r.throughput);
        const cpu = paired((r) => r.cpuPerOpUs);
        const ratios = {
          monitorOnVsOffThroughput: throughput.median,
          monitorOnVsOffCpuPerRequest: cpu.median,
        };
        return {
          ratios,
          results: { ...s, pairedRatios: { throughput, cpuPerRequest: cpu } },
          table: Object.entries(s).map(([name, summary]) => summaryRow(name, summary)),
          notes: [
            verdict(
              'monitoring overhead ≤ 5 % (throughput ratio ≥ 0.95)',
              ratios.monitorOnVsOffThroughput >= 0.95,
            ),
            describePairedRatio('throughput on ÷ off', throughput),
            describePairedRatio('CPU per request on ÷ off', cpu),
            `sizes: ${OPERATIONS} requests per run, ${CONCURRENCY} in flight, ≤ ${MAX_RUN_MS} ms per run, one warm-up run each; table: medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all([on.close(), off.close()]);
      }
    }),
};
