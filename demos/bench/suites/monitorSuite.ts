import { pipelineClient } from '../clients/pipelineClient';
import { blockCpuPerOperation, runInterleavedRounds } from '../harness/interleavedRounds';
import { describePairedRatio } from '../harness/pairedRatio';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { ratioVerdict } from '../harness/verdict';

/**
 * Requests per variant per round: at 3 000–9 000 req/s, 1–3 s of each. Runs of 3 000 requests
 * (0.3–1 s) read anywhere from 0.66 to 1.30 on the shared 2-core machine.
 */
const OPERATIONS = 10_000;
/** Requests per block: on and off take turns every 500 requests (50–150 ms) within a round. */
const BLOCK_OPERATIONS = 500;
/** Requests in flight (and pool connections). */
const CONCURRENCY = 32;
/** A round ends early after this long, ms. */
const MAX_ROUND_MS = 20_000;

const OFF = 'monitoring off';
const ON = 'monitoring on';

/**
 * Suite `monitor`: the full pipeline to one upstream process with monitoring on (every request
 * recorded in a `MetricsRegistry` and the Prometheus histograms, and traced on the OpenTelemetry
 * API with no SDK registered) vs off. Within a round the two take turns in blocks of
 * `BLOCK_OPERATIONS` requests (`runInterleaved`), so bursts of load from other processes fall on
 * both; both hold a fixed concurrency limit of 32 (see `pipelineClient`); one unrecorded warm-up
 * round; the headline ratios are medians over mirrored pairs of turns (`crossoverRatios`), with
 * their interval and range.
 * Sizes: `OPERATIONS` requests per variant per round, 32 in flight, at most 20 s per round.
 */
export const monitorSuite: Suite = {
  name: 'monitor',
  description: `pipeline with monitoring on vs off (${OPERATIONS} GETs × ${CONCURRENCY} in flight per variant and round, in turns of ${BLOCK_OPERATIONS})`,
  run: (ctx) =>
    withUpstreams(1, { requestLogSize: 0 }, async ([upstream]) => {
      const url = new URL('/bench', upstream!.url);
      // A fixed limit: adaptive limits of the two clients drift apart with the machine's load
      // (measured 26 → 18 of 32 within a minute), which would compare concurrency, not monitoring.
      const client = (monitoring: boolean) =>
        pipelineClient(url, { connections: CONCURRENCY, monitoring, fixedConcurrencyLimit: CONCURRENCY });
      const on = client(true);
      const off = client(false);
      try {
        const { summaries: s, paired } = await runInterleavedRounds(ctx, {
          operations: OPERATIONS,
          blockOperations: BLOCK_OPERATIONS,
          concurrency: CONCURRENCY,
          maxDurationMs: MAX_ROUND_MS,
          variants: { [OFF]: () => off.get(), [ON]: () => on.get() },
        });
        // A pair is two mirrored turns (on then off, off then on), over every round: 50–150 ms blocks.
        const throughput = paired(ON, OFF);
        const cpu = paired(ON, OFF, blockCpuPerOperation);
        const ratios = {
          monitorOnVsOffThroughput: throughput.median,
          monitorOnVsOffCpuPerRequest: cpu.median,
        };
        return {
          ratios,
          results: { ...s, pairedRatios: { throughput, cpuPerRequest: cpu } },
          table: Object.entries(s).map(([name, summary]) => summaryRow(name, summary)),
          notes: [
            ratioVerdict(
              'throughput monitoring on (registry, Prometheus histograms, tracing API without SDK) ÷ off',
              throughput,
              { op: '≥', value: 0.95 },
            ),
            describePairedRatio('CPU per request on ÷ off', cpu),
            `sizes: ${OPERATIONS} requests per variant and round in turns of ${BLOCK_OPERATIONS}, ${CONCURRENCY} in flight, ≤ ${MAX_ROUND_MS} ms per round, one warm-up round; table: medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all([on.close(), off.close()]);
      }
    }),
};
