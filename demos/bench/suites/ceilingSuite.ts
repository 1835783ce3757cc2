import { pipelineClient } from '../clients/pipelineClient';
import { undiciPoolClient } from '../clients/undiciPoolClient';
import { runClosedLoop } from '../harness/closedLoop';
import { compareRounds } from '../harness/compare';
import { runAutocannon } from '../harness/runAutocannon';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { ratio } from '../harness/summarize';

/** Connections of the load generator and requests in flight of the clients. */
const CONNECTIONS = 32;
/** Length of each run, s (the clients' runs are also capped at `MAX_OPERATIONS`). */
const DURATION_S = 3;
const MAX_OPERATIONS = 200_000;
/** Requests autocannon pipelines per connection: one JS generator process is otherwise its own bottleneck. */
const PIPELINING = 8;

/**
 * Suite `ceiling`: the upstream process's own capacity, measured by autocannon in a separate
 * process, beside raw undici and the Slipstream pipeline driving the same upstream from this
 * process, so each throughput reads as a share of what the machine can serve.
 * Sizes: 3 s per run, 32 connections.
 */
export const ceilingSuite: Suite = {
  name: 'ceiling',
  description: `upstream capacity by autocannon (external process) vs undici Pool vs pipeline (${DURATION_S} s × ${CONNECTIONS} connections per run)`,
  run: (ctx) =>
    withUpstreams(1, { requestLogSize: 0 }, async ([upstream]) => {
      const url = new URL('/bench', upstream!.url);
      const undici = undiciPoolClient(url, CONNECTIONS);
      const pipeline = pipelineClient(url, { connections: CONNECTIONS });
      const loop = (get: () => Promise<void>) => () =>
        runClosedLoop({
          operations: MAX_OPERATIONS,
          concurrency: CONNECTIONS,
          maxDurationMs: DURATION_S * 1000,
          operation: get,
        });
      try {
        const s = await compareRounds(
          ctx.rounds,
          {
            'autocannon (ceiling)': () =>
              runAutocannon({
                url: url.href,
                connections: CONNECTIONS,
                durationS: DURATION_S,
                pipelining: PIPELINING,
              }),
            'undici Pool': loop(() => undici.get()),
            'slipstream pipeline': loop(() => pipeline.get()),
          },
          {
            onRound: (round, name, r) =>
              ctx.progress(`round ${round + 1}/${ctx.rounds} ${name}: ${Math.round(r.throughput)} req/s`),
          },
        );
        const ceiling = s['autocannon (ceiling)'];
        const ratios = {
          pipelineVsCeiling: ratio(s['slipstream pipeline'].throughput, ceiling.throughput),
          undiciVsCeiling: ratio(s['undici Pool'].throughput, ceiling.throughput),
        };
        return {
          ratios,
          results: s,
          table: Object.entries(s).map(([name, summary]) => summaryRow(name, summary)),
          notes: [
            `the ceiling row is autocannon in its own process (${CONNECTIONS} connections, pipelining ${PIPELINING}); its CPU column is not this process’s (NaN)`,
            'a ceiling below the undici row means the load generator, not the upstream, was the limit in that run',
            `sizes: ${DURATION_S} s per run, ${CONNECTIONS} connections / in flight; medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all([undici.close(), pipeline.close()]);
      }
    }),
};
