import { pipelineClient } from '../clients/pipelineClient';
import { runClosedLoop } from '../harness/closedLoop';
import { forceGc } from '../harness/forceGc';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite, TableRow } from '../harness/suite';
import { ratio } from '../harness/summarize';
import { verdict } from '../harness/verdict';

/** Requests in total, sent in checkpoints of `CHECKPOINT` requests. */
const TOTAL = 200_000;
const CHECKPOINT = 20_000;
/** Requests in flight (and pool connections). */
const CONCURRENCY = 32;
/** The whole suite stops sending after this long, ms. */
const MAX_TOTAL_MS = 120_000;

const MIB = 1024 * 1024;

/**
 * Suite `memory`: 200 000 requests through the pipeline (monitoring on) to one upstream
 * process; after every 20 000, a forced full GC, then heap used and RSS. `heapGrowth` is the
 * heap after the last checkpoint ÷ the heap after the first. Runs once (the baseline is the
 * first checkpoint), at most 120 s; 32 in flight.
 */
export const memorySuite: Suite = {
  name: 'memory',
  description: `heap and RSS across ${TOTAL} pipeline requests, read every ${CHECKPOINT} after a full GC`,
  run: (ctx) =>
    withUpstreams(1, { requestLogSize: 0 }, async ([upstream]) => {
      const client = pipelineClient(new URL('/bench', upstream!.url), { connections: CONCURRENCY });
      const deadline = Date.now() + MAX_TOTAL_MS;
      const rows: TableRow[] = [];
      let sent = 0;
      let errors = 0;
      try {
        while (sent < TOTAL && Date.now() < deadline) {
          const r = await runClosedLoop({
            operations: CHECKPOINT,
            concurrency: CONCURRENCY,
            maxDurationMs: deadline - Date.now(),
            operation: () => client.get(),
          });
          sent += r.operations;
          errors += r.errors;
          forceGc();
          const { heapUsed, rss } = process.memoryUsage();
          rows.push({
            variant: `after ${sent} requests`,
            'heap MiB': heapUsed / MIB,
            'RSS MiB': rss / MIB,
            'req/s': r.throughput,
          });
          ctx.progress(
            `${sent}/${TOTAL}: heap ${(heapUsed / MIB).toFixed(1)} MiB, RSS ${(rss / MIB).toFixed(1)} MiB`,
          );
        }
      } finally {
        await client.close();
      }
      const first = rows[0];
      const last = rows[rows.length - 1];
      const heapGrowth = first && last ? ratio(Number(last['heap MiB']), Number(first['heap MiB'])) : 0;
      const rssGrowth = first && last ? ratio(Number(last['RSS MiB']), Number(first['RSS MiB'])) : 0;
      return {
        ratios: { heapGrowth, rssGrowth },
        results: { requests: sent, errors, checkpoints: rows },
        table: rows,
        notes: [
          verdict(
            `heap after ${sent} requests within 10 % of the heap after ${CHECKPOINT} (one run: no interval)`,
            heapGrowth <= 1.1,
          ),
          ...(sent < TOTAL
            ? [`stopped at the ${MAX_TOTAL_MS} ms bound after ${sent} of ${TOTAL} requests`]
            : []),
          `sizes: ${TOTAL} requests, ${CONCURRENCY} in flight, a full GC (V8 gc()) before each reading, ≤ ${MAX_TOTAL_MS} ms; one run (--rounds does not apply)`,
        ],
      };
    }),
};
