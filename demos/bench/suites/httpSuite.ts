import { fetchClient } from '../clients/fetchClient';
import { keepAliveClient } from '../clients/keepAliveClient';
import type { LoadClient } from '../clients/LoadClient';
import { newConnectionClient } from '../clients/newConnectionClient';
import { pipelineClient } from '../clients/pipelineClient';
import { undiciPoolClient } from '../clients/undiciPoolClient';
import { blockCpuPerOperation, runInterleavedRounds } from '../harness/interleavedRounds';
import { describePairedRatio } from '../harness/pairedRatio';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { verdict } from '../harness/verdict';

/** Requests per variant per round. */
const OPERATIONS = 4_000;
/** Requests per block: the variants take turns every 500 requests within a round. */
const BLOCK_OPERATIONS = 500;
/** Requests in flight (and pool connections of the pooled clients). */
const CONCURRENCY = 32;
/** A round ends early after this long, ms. */
const MAX_ROUND_MS = 60_000;
const PIPELINE = 'slipstream pipeline';
const PIPELINE_FIXED = 'slipstream pipeline (fixed limit)';

/**
 * Suite `http`: the same small GET to one upstream process, five ways — a new connection per
 * request, global `fetch`, node:http keep-alive agent, raw undici `Pool.request`, and
 * Slipstream's full pipeline (route, admission, retry, balancer, breaker, pool, monitor), with
 * its default adaptive concurrency limit and with the limit fixed at the 32 in flight the
 * other clients get (the same load, so CPU per request compares the code, not concurrency).
 * Within a round the variants take turns in blocks of 500 requests (`runInterleaved`); one
 * unrecorded warm-up round. The ratios are medians over the turns of every round of the ratio
 * of the two variants' blocks in that turn, with their range; the table holds medians of rounds.
 * Sizes: 4 000 requests per variant per round, 32 in flight, at most 60 s per round.
 */
export const httpSuite: Suite = {
  name: 'http',
  description: `new connection vs fetch vs keep-alive vs undici Pool vs pipeline (${OPERATIONS} GETs × ${CONCURRENCY} in flight per run)`,
  run: (ctx) =>
    withUpstreams(1, { requestLogSize: 0 }, async ([upstream]) => {
      const url = new URL('/bench', upstream!.url);
      const clients = {
        'new connection': newConnectionClient(url),
        fetch: fetchClient(url),
        'node:http keep-alive': keepAliveClient(url, CONCURRENCY),
        'undici Pool': undiciPoolClient(url, CONCURRENCY),
        [PIPELINE]: pipelineClient(url, { connections: CONCURRENCY }),
        [PIPELINE_FIXED]: pipelineClient(url, {
          connections: CONCURRENCY,
          fixedConcurrencyLimit: CONCURRENCY,
        }),
      } satisfies Record<string, LoadClient>;
      type Name = keyof typeof clients;
      try {
        const variants = {} as Record<Name, () => Promise<void>>;
        for (const name of Object.keys(clients) as Name[]) variants[name] = () => clients[name].get();
        const { summaries: s, paired } = await runInterleavedRounds(ctx, {
          operations: OPERATIONS,
          blockOperations: BLOCK_OPERATIONS,
          concurrency: CONCURRENCY,
          maxDurationMs: MAX_ROUND_MS,
          variants,
        });
        const pipelineThroughput = paired(PIPELINE, 'undici Pool');
        const pipelineCpu = paired(PIPELINE, 'undici Pool', blockCpuPerOperation);
        const fixedThroughput = paired(PIPELINE_FIXED, 'undici Pool');
        const fixedCpu = paired(PIPELINE_FIXED, 'undici Pool', blockCpuPerOperation);
        const ratios = {
          pipelineVsUndiciThroughput: pipelineThroughput.median,
          pipelineVsUndiciCpuPerRequest: pipelineCpu.median,
          pipelineFixedLimitVsUndiciThroughput: fixedThroughput.median,
          pipelineFixedLimitVsUndiciCpuPerRequest: fixedCpu.median,
          pooledVsNewConnection: paired('undici Pool', 'new connection').median,
          pooledVsFetch: paired('undici Pool', 'fetch').median,
          pipelineVsNewConnection: paired(PIPELINE, 'new connection').median,
          pipelineVsFetch: paired(PIPELINE, 'fetch').median,
        };
        return {
          ratios,
          results: { ...s, pairedRatios: { pipelineThroughput, pipelineCpu, fixedThroughput, fixedCpu } },
          table: (Object.keys(s) as Name[]).map((name) => summaryRow(name, s[name])),
          notes: [
            verdict('pipeline ≥ 0.85 × undici Pool throughput', ratios.pipelineVsUndiciThroughput >= 0.85),
            verdict(
              'pipeline CPU per request ≤ 1.3 × undici Pool',
              ratios.pipelineVsUndiciCpuPerRequest <= 1.3,
            ),
            verdict(
              'pooled (undici Pool) ≥ 4 × new connection per request',
              ratios.pooledVsNewConnection >= 4,
            ),
            verdict('pooled (undici Pool) ≥ 3 × global fetch', ratios.pooledVsFetch >= 3),
            describePairedRatio('pipeline ÷ undici Pool throughput', pipelineThroughput),
            describePairedRatio('pipeline ÷ undici Pool CPU per request', pipelineCpu),
            describePairedRatio('pipeline (fixed limit) ÷ undici Pool throughput', fixedThroughput),
            describePairedRatio('pipeline (fixed limit) ÷ undici Pool CPU per request', fixedCpu),
            `the pipeline's adaptive concurrency limit starts at its default and shrinks when latency rises, so on a loaded machine it runs fewer than ${CONCURRENCY} in flight (fewer requests per event-loop turn cost more CPU each); the fixed-limit row holds ${CONCURRENCY}`,
            `sizes: ${OPERATIONS} requests per variant and round in turns of ${BLOCK_OPERATIONS}, ${CONCURRENCY} in flight, ≤ ${MAX_ROUND_MS} ms per round, one warm-up round; table: medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all(Object.values(clients).map((c: LoadClient) => c.close()));
      }
    }),
};
