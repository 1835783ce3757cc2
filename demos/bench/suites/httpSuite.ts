import { fetchClient } from '../clients/fetchClient';
import { keepAliveClient } from '../clients/keepAliveClient';
import { variantsOf, type LoadClient } from '../clients/LoadClient';
import { newConnectionClient } from '../clients/newConnectionClient';
import { pipelineClient } from '../clients/pipelineClient';
import { poolManagerClient } from '../clients/poolManagerClient';
import { undiciDispatchClient } from '../clients/undiciDispatchClient';
import { undiciPoolClient } from '../clients/undiciPoolClient';
import {
  blockClientCores,
  blockCpuPerOperation,
  blockPeerCpuPerOperation,
  runInterleavedRounds,
} from '../harness/interleavedRounds';
import { childPids, processThreadsCpuUs } from '../harness/processCpu';
import { ensureDebianPackage } from '../proxies/ensureDebianPackage';
import { ExternalProxy } from '../proxies/ExternalProxy';
import type { Suite, SuiteContext } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { describePairedRatio } from '../harness/pairedRatio';
import { ratioVerdict } from '../harness/verdict';
import { median } from '../harness/summarize';

/** Requests per variant per round. */
const OPERATIONS = 24_000;
/** Requests per block: the variants take turns every 3 000 requests within a round (50–300 ms a block). */
const BLOCK_OPERATIONS = 3_000;
/** Requests in flight (and pool connections of the pooled clients). */
const CONCURRENCY = 32;
/** A round ends early after this long, ms. */
const MAX_ROUND_MS = 60_000;
/** What the upstream answers every GET with (the testkit upstream's echo of `GET /bench`). */
const CANNED_BODY = '{"method":"GET","path":"/bench"}';
const PIPELINE = 'slipstream pipeline';
const PIPELINE_FIXED = 'slipstream pipeline (fixed limit)';
const PIPELINE_UNTRACED = 'slipstream pipeline (fixed limit, no tracing)';
const DISPATCH = 'undici dispatch';
const POOL_ALONE = 'slipstream pool alone';

/**
 * Suite `http`: the same small GET to one upstream, nginx answering it itself (a fraction of a
 * client's CPU per request, so the clients bound throughput: `withCannedUpstream`), nine ways — a new connection per
 * request, global `fetch`, node:http keep-alive agent, raw undici `Pool.request`, raw undici
 * `pool.dispatch` with a minimal handler (the way Slipstream's pool drives undici: the baseline
 * a wrapper cannot beat), Slipstream's pool layer alone (`poolManagerClient`: with the dispatch
 * baseline and the pipeline, it splits the pipeline's overhead between the pool and the steps
 * above it), and Slipstream's full pipeline (route, admission, retry, balancer,
 * breaker, pool, monitor) with its default adaptive concurrency limit and with the limit fixed
 * at the 32 in flight the other clients get, and with the fixed limit but without the tracing
 * observer (its ratio to the fixed-limit row is the cost of tracing on `@opentelemetry/api` with
 * no SDK registered: the API's no-op spans, the observer fan-out). Every pooled variant has 32 connections (fetch's
 * default agent opens as many as the 32 in flight need) and the same warm-up round; the
 * dispatch baseline also has the pipeline's pool settings and request headers
 * (`undiciDispatchClient`). Within a round the variants take turns in blocks of 3 000 requests,
 * in mirrored pairs of turns (`turnOrder`), each block after a young-generation GC; the ratios are medians
 * over the mirrored pairs of every round of the geometric mean of the two variants' block
 * ratios in the pair (`crossoverRatios`), each printed with its interval, its range and a
 * verdict (met / not met / within noise when the interval straddles the target). The upstream's
 * CPU per request is measured per block too (`/proc` schedstat of its threads), and the cores each
 * client kept busy: a client that keeps a core busy bounds throughput (the note says which), and
 * then its throughput ratio is what it costs. Sizes: 24 000 requests per variant per round, 32 in
 * flight, at most 60 s per round.
 */
export const httpSuite: Suite = {
  name: 'http',
  description: `new connection vs fetch vs keep-alive vs undici Pool vs undici dispatch vs pipeline, with and without tracing (${OPERATIONS} GETs × ${CONCURRENCY} in flight per run)`,
  run: (ctx) =>
    withCannedUpstream(ctx, async (upstream) => {
      const url = new URL('/bench', upstream.url);
      const adaptive = pipelineClient(url, { connections: CONCURRENCY });
      const clients = {
        'new connection': newConnectionClient(url),
        fetch: fetchClient(url),
        'node:http keep-alive': keepAliveClient(url, CONCURRENCY),
        'undici Pool': undiciPoolClient(url, CONCURRENCY),
        [DISPATCH]: undiciDispatchClient(url, CONCURRENCY),
        [POOL_ALONE]: poolManagerClient(url, CONCURRENCY),
        [PIPELINE]: adaptive,
        [PIPELINE_FIXED]: pipelineClient(url, {
          connections: CONCURRENCY,
          fixedConcurrencyLimit: CONCURRENCY,
        }),
        [PIPELINE_UNTRACED]: pipelineClient(url, {
          connections: CONCURRENCY,
          fixedConcurrencyLimit: CONCURRENCY,
          tracing: false,
        }),
      } satisfies Record<string, LoadClient>;
      type Name = keyof typeof clients;
      try {
        // nginx's master and its worker, found once: each block's CPU is read from their threads' schedstat.
        const upstreamPids = [upstream.pid, ...childPids(upstream.pid)];
        const {
          summaries: s,
          paired,
          runs,
        } = await runInterleavedRounds(ctx, {
          operations: OPERATIONS,
          blockOperations: BLOCK_OPERATIONS,
          concurrency: CONCURRENCY,
          maxDurationMs: MAX_ROUND_MS,
          variants: variantsOf(clients),
          peerCpuUs: () => upstreamPids.reduce((sum, pid) => sum + processThreadsCpuUs(pid), 0),
        });
        const coresOf = (name: Name): number =>
          median(runs[name].flatMap((run) => run.blocks.map(blockClientCores)));
        const cores = { fixed: coresOf(PIPELINE_FIXED), dispatch: coresOf(DISPATCH) };
        const adaptiveLimit = Object.values(adaptive.client.stats().routing.concurrencyLimits)[0] ?? 0;
        const p = {
          tracedVsUntracedThroughput: paired(PIPELINE_FIXED, PIPELINE_UNTRACED),
          tracedVsUntracedCpu: paired(PIPELINE_FIXED, PIPELINE_UNTRACED, blockCpuPerOperation),
          fixedVsDispatchThroughput: paired(PIPELINE_FIXED, DISPATCH),
          fixedVsDispatchCpu: paired(PIPELINE_FIXED, DISPATCH, blockCpuPerOperation),
          fixedVsDispatchUpstreamCpu: paired(PIPELINE_FIXED, DISPATCH, blockPeerCpuPerOperation),
          poolAloneVsDispatchThroughput: paired(POOL_ALONE, DISPATCH),
          poolAloneVsDispatchCpu: paired(POOL_ALONE, DISPATCH, blockCpuPerOperation),
          fixedVsPoolAloneCpu: paired(PIPELINE_FIXED, POOL_ALONE, blockCpuPerOperation),
          pipelineVsUndiciThroughput: paired(PIPELINE, 'undici Pool'),
          pipelineVsUndiciCpu: paired(PIPELINE, 'undici Pool', blockCpuPerOperation),
          fixedVsUndiciThroughput: paired(PIPELINE_FIXED, 'undici Pool'),
          fixedVsUndiciCpu: paired(PIPELINE_FIXED, 'undici Pool', blockCpuPerOperation),
          pooledVsNewConnection: paired('undici Pool', 'new connection'),
          pooledVsFetch: paired('undici Pool', 'fetch'),
          pipelineVsNewConnection: paired(PIPELINE, 'new connection'),
          pipelineVsFetch: paired(PIPELINE, 'fetch'),
        };
        const ratios = {
          tracingApiNoSdkVsNoTracingThroughput: p.tracedVsUntracedThroughput.median,
          tracingApiNoSdkVsNoTracingCpuPerRequest: p.tracedVsUntracedCpu.median,
          pipelineFixedLimitVsDispatchThroughput: p.fixedVsDispatchThroughput.median,
          pipelineFixedLimitVsDispatchCpuPerRequest: p.fixedVsDispatchCpu.median,
          upstreamCpuServingPipelineFixedLimitVsDispatch: p.fixedVsDispatchUpstreamCpu.median,
          poolAloneVsDispatchThroughput: p.poolAloneVsDispatchThroughput.median,
          poolAloneVsDispatchCpuPerRequest: p.poolAloneVsDispatchCpu.median,
          pipelineFixedLimitVsPoolAloneCpuPerRequest: p.fixedVsPoolAloneCpu.median,
          clientCoresPipelineFixedLimit: cores.fixed,
          clientCoresDispatch: cores.dispatch,
          pipelineVsUndiciThroughput: p.pipelineVsUndiciThroughput.median,
          pipelineVsUndiciCpuPerRequest: p.pipelineVsUndiciCpu.median,
          pipelineFixedLimitVsUndiciThroughput: p.fixedVsUndiciThroughput.median,
          pipelineFixedLimitVsUndiciCpuPerRequest: p.fixedVsUndiciCpu.median,
          pooledVsNewConnection: p.pooledVsNewConnection.median,
          pooledVsFetch: p.pooledVsFetch.median,
          pipelineVsNewConnection: p.pipelineVsNewConnection.median,
          pipelineVsFetch: p.pipelineVsFetch.median,
          pipelineAdaptiveLimit: adaptiveLimit,
        };
        return {
          ratios,
          results: { ...s, pairedRatios: p },
          table: (Object.keys(s) as Name[]).map((name) => summaryRow(name, s[name])),
          notes: [
            ratioVerdict(
              'pipeline with tracing (@opentelemetry/api, no SDK registered) ÷ without the tracing observer, throughput',
              p.tracedVsUntracedThroughput,
              { op: '≥', value: 0.98 },
            ),
            describePairedRatio(
              'CPU per request with tracing (API, no SDK) ÷ without',
              p.tracedVsUntracedCpu,
            ),
            ratioVerdict('pipeline (fixed limit) ÷ undici dispatch throughput', p.fixedVsDispatchThroughput, {
              op: '≤',
              value: 1.02,
            }),
            // Issue #12's targets for the pipeline against undici used the same way.
            ratioVerdict('pipeline (fixed limit) ÷ undici dispatch throughput', p.fixedVsDispatchThroughput, {
              op: '≥',
              value: 0.9,
            }),
            ratioVerdict(
              "pipeline (fixed limit) ÷ undici dispatch CPU per request (the pipeline's true overhead)",
              p.fixedVsDispatchCpu,
              { op: '≤', value: 1.2 },
            ),
            describePairedRatio(
              "the upstream's CPU per request serving the pipeline (fixed limit) ÷ serving undici dispatch",
              p.fixedVsDispatchUpstreamCpu,
            ),
            bottleneckNote(cores, p.fixedVsDispatchUpstreamCpu.median),
            // Where the pipeline's overhead sits: the pool layer alone, then the steps above it.
            describePairedRatio(
              "Slipstream's pool alone (PoolManager.request, called as the send step calls it) ÷ undici dispatch throughput",
              p.poolAloneVsDispatchThroughput,
            ),
            describePairedRatio(
              "Slipstream's pool alone ÷ undici dispatch CPU per request (the pool layer's share)",
              p.poolAloneVsDispatchCpu,
            ),
            describePairedRatio(
              "pipeline (fixed limit) ÷ Slipstream's pool alone CPU per request (the steps above the pool: route, admit, retry, pick, breaker, monitor)",
              p.fixedVsPoolAloneCpu,
            ),
            // Described, not judged: `Pool.request` is not undici used the way the pipeline uses it (issue #14); the
            // pipeline's targets are on the dispatch baseline above. (Judged against 0.85 and 1.3, medians of 0.80–0.88
            // and 1.13–1.24 over eight runs alternated between a verdict and within noise.)
            describePairedRatio('pipeline ÷ undici Pool throughput', p.pipelineVsUndiciThroughput),
            describePairedRatio('pipeline ÷ undici Pool CPU per request', p.pipelineVsUndiciCpu),
            ratioVerdict('pooled (undici Pool) ÷ new connection per request', p.pooledVsNewConnection, {
              op: '≥',
              value: 4,
            }),
            ratioVerdict('pooled (undici Pool) ÷ global fetch', p.pooledVsFetch, { op: '≥', value: 3 }),
            describePairedRatio('pipeline (fixed limit) ÷ undici Pool throughput', p.fixedVsUndiciThroughput),
            describePairedRatio('pipeline (fixed limit) ÷ undici Pool CPU per request', p.fixedVsUndiciCpu),
            describePairedRatio('pipeline ÷ new connection per request', p.pipelineVsNewConnection),
            describePairedRatio('pipeline ÷ global fetch', p.pipelineVsFetch),
            `the pipeline's adaptive concurrency limit ended the run at ${adaptiveLimit} in flight (it starts at its default, 20, grows while it holds requests back and shrinks when latency rises); the fixed-limit row and every other variant hold ${CONCURRENCY}, so the dispatch comparison is like for like`,
            `sizes: ${OPERATIONS} requests per variant and round in turns of ${BLOCK_OPERATIONS}, ${CONCURRENCY} in flight, ≤ ${MAX_ROUND_MS} ms per round, one warm-up round; table: medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all(Object.values(clients).map((c: LoadClient) => c.close()));
      }
    }),
};

/**
 * Runs `use` with nginx (Debian's, installed when absent) answering every request itself with a
 * small JSON body: it serves a request for a fraction of the CPU a client spends on it, so the
 * clients, not the upstream, bound throughput, and the throughput ratios compare the clients.
 */
async function withCannedUpstream<T>(
  ctx: SuiteContext,
  use: (upstream: ExternalProxy) => Promise<T>,
): Promise<T> {
  ctx.progress('set-up: nginx as the upstream');
  const reason = await ensureDebianPackage('nginx', 'nginx');
  if (reason !== undefined) throw new Error(`the http suite needs nginx as its upstream: ${reason}`);
  const upstream = await ExternalProxy.nginxAnswering(CANNED_BODY);
  try {
    return await use(upstream);
  } finally {
    await upstream.close();
  }
}

/**
 * What bounds the throughput of the pipeline and of undici dispatch, from the cores each client
 * kept busy (median over its blocks) and the upstream's CPU per request serving one ÷ the other.
 */
function bottleneckNote(cores: { fixed: number; dispatch: number }, upstreamCpuRatio: number): string {
  const busy = `the clients kept ${cores.fixed.toFixed(2)} (pipeline, fixed limit) and ${cores.dispatch.toFixed(2)} (undici dispatch) cores busy`;
  if (Math.max(cores.fixed, cores.dispatch) >= 0.95)
    return `${busy}: a client bounds throughput, so the throughput ratio compares the clients`;
  return (
    `${busy}: neither is the bottleneck, the upstream is; the throughput ratio then says how efficiently ` +
    `the upstream served each (its CPU per request serving the pipeline ÷ serving dispatch: ${upstreamCpuRatio.toFixed(3)}; ` +
    'below 1, it read more requests per wakeup from the client that sends each a little later), ' +
    'and CPU per request is what compares the clients'
  );
}
