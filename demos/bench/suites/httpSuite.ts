import { fetchClient } from '../clients/fetchClient';
import { keepAliveClient } from '../clients/keepAliveClient';
import type { LoadClient } from '../clients/LoadClient';
import { newConnectionClient } from '../clients/newConnectionClient';
import { pipelineClient } from '../clients/pipelineClient';
import { undiciPoolClient } from '../clients/undiciPoolClient';
import { runClosedLoop, type ClosedLoopResult } from '../harness/closedLoop';
import { runRounds, summarizeRuns, type VariantSummary } from '../harness/compare';
import { describePairedRatio, pairedRatio } from '../harness/pairedRatio';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { verdict } from '../harness/verdict';

/** Requests per run of one variant (≥ 0.5 s for the pooled clients on a 2-core machine). */
const OPERATIONS = 4_000;
/** Requests in flight (and pool connections of the pooled clients). */
const CONCURRENCY = 32;
/** A run ends early after this long, ms. */
const MAX_RUN_MS = 10_000;

/**
 * Suite `http`: the same small GET to one upstream process, five ways — a new connection per
 * request, global `fetch`, node:http keep-alive agent, raw undici `Pool.request`, and
 * Slipstream's full pipeline (route, admission, retry, balancer, breaker, pool, monitor).
 * The ratios are medians of per-round ratios (the runs of a round are back to back; undici and
 * the pipeline always adjacent), with their range. Sizes: 4 000 requests per run, 32 in
 * flight, at most 10 s per run.
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
        'slipstream pipeline': pipelineClient(url, { connections: CONCURRENCY }),
      } satisfies Record<string, LoadClient>;
      type Name = keyof typeof clients;
      try {
        const loop = (client: LoadClient) => () =>
          runClosedLoop({
            operations: OPERATIONS,
            concurrency: CONCURRENCY,
            maxDurationMs: MAX_RUN_MS,
            operation: () => client.get(),
          });
        const variants = {} as Record<Name, ReturnType<typeof loop>>;
        for (const name of Object.keys(clients) as Name[]) variants[name] = loop(clients[name]);
        const runs = await runRounds(ctx.rounds, variants, {
          onRound: (round, name, r) =>
            ctx.progress(
              `round ${round + 1}/${ctx.rounds} ${name}: ${Math.round(r.throughput)} req/s, ${r.cpuPerOpUs.toFixed(1)} µs CPU/req`,
            ),
        });
        const s = {} as Record<Name, VariantSummary>;
        for (const name of Object.keys(runs) as Name[]) s[name] = summarizeRuns(runs[name]);
        const throughput = (r: ClosedLoopResult) => r.throughput;
        const paired = (candidate: Name, baseline: Name, metric = throughput) =>
          pairedRatio(runs[candidate], runs[baseline], metric);
        const pipelineThroughput = paired('slipstream pipeline', 'undici Pool');
        const pipelineCpu = paired('slipstream pipeline', 'undici Pool', (r) => r.cpuPerOpUs);
        const ratios = {
          pipelineVsUndiciThroughput: pipelineThroughput.median,
          pipelineVsUndiciCpuPerRequest: pipelineCpu.median,
          pooledVsNewConnection: paired('undici Pool', 'new connection').median,
          pooledVsFetch: paired('undici Pool', 'fetch').median,
          pipelineVsNewConnection: paired('slipstream pipeline', 'new connection').median,
          pipelineVsFetch: paired('slipstream pipeline', 'fetch').median,
        };
        return {
          ratios,
          results: { ...s, pairedRatios: { pipelineThroughput, pipelineCpu } },
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
            `sizes: ${OPERATIONS} requests per run, ${CONCURRENCY} in flight, ≤ ${MAX_RUN_MS} ms per run, one warm-up run each; table: medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all(Object.values(clients).map((c: LoadClient) => c.close()));
      }
    }),
};
