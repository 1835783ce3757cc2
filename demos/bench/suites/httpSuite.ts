import { fetchClient } from '../clients/fetchClient';
import { keepAliveClient } from '../clients/keepAliveClient';
import type { LoadClient } from '../clients/LoadClient';
import { newConnectionClient } from '../clients/newConnectionClient';
import { pipelineClient } from '../clients/pipelineClient';
import { undiciPoolClient } from '../clients/undiciPoolClient';
import { runClosedLoop } from '../harness/closedLoop';
import { compareRounds } from '../harness/compare';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { ratio } from '../harness/summarize';
import { verdict } from '../harness/verdict';

/** Requests per run of one variant. */
const OPERATIONS = 2_000;
/** Requests in flight (and pool connections of the pooled clients). */
const CONCURRENCY = 32;
/** A run ends early after this long, ms. */
const MAX_RUN_MS = 6_000;

/**
 * Suite `http`: the same small GET to one upstream process, five ways — a new connection per
 * request, global `fetch`, node:http keep-alive agent, raw undici `Pool.request`, and
 * Slipstream's full pipeline (route, admission, retry, balancer, breaker, pool, monitor).
 * Sizes: 2 000 requests per run, 32 in flight, at most 6 s per run.
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
        const s = await compareRounds(ctx.rounds, variants, {
          onRound: (round, name, r) =>
            ctx.progress(`round ${round + 1}/${ctx.rounds} ${name}: ${Math.round(r.throughput)} req/s`),
        });
        const pipeline = s['slipstream pipeline'];
        const undici = s['undici Pool'];
        const ratios = {
          pipelineVsUndiciThroughput: ratio(pipeline.throughput, undici.throughput),
          pipelineVsUndiciCpuPerRequest: ratio(pipeline.cpuPerOpUs, undici.cpuPerOpUs),
          pooledVsNewConnection: ratio(undici.throughput, s['new connection'].throughput),
          pooledVsFetch: ratio(undici.throughput, s.fetch.throughput),
          pipelineVsNewConnection: ratio(pipeline.throughput, s['new connection'].throughput),
          pipelineVsFetch: ratio(pipeline.throughput, s.fetch.throughput),
        };
        return {
          ratios,
          results: s,
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
            `sizes: ${OPERATIONS} requests per run, ${CONCURRENCY} in flight, ≤ ${MAX_RUN_MS} ms per run; medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all(Object.values(clients).map((c: LoadClient) => c.close()));
      }
    }),
};
