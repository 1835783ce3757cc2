import { makeTestCertificates } from '@slipstream/testkit';
import { variantsOf, type LoadClient } from '../clients/LoadClient';
import { pipelineClient, type PipelineLoadClient } from '../clients/pipelineClient';
import { blockCpuPerOperation, runInterleavedRounds } from '../harness/interleavedRounds';
import { describePairedRatio } from '../harness/pairedRatio';
import { spawnHttp2Upstream } from '../harness/spawnHttp2Upstream';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { summaryRow } from '../harness/summaryRow';
import { ratioVerdict } from '../harness/verdict';

/** Requests per variant per round. */
const OPERATIONS = 1_000;
/** Requests per block: the variants take turns every 250 requests within a round. */
const BLOCK_OPERATIONS = 250;
/** Requests in flight, and the pipeline's fixed concurrency limit, for every variant. */
const CONCURRENCY = 16;
/** HTTP/1.1 connections of the HTTP/1.1 variants. */
const H1_CONNECTIONS = 8;
/** A round ends early after this long, ms. */
const MAX_ROUND_MS = 60_000;
const KEEP_ALIVE = 'https keep-alive';
const NEW_CONNECTION = 'https new TLS connection per request';
const H2 = 'HTTP/2, 1 connection';
const H1 = `HTTP/1.1, ${H1_CONNECTIONS} connections`;

/**
 * Suite `tls`: the same small GET through Slipstream's full pipeline to upstreams over TLS
 * (private CA made at run time), four ways — an HTTPS upstream process with keep-alive, the
 * same with a new TLS connection per request (the upstream answers `connection: close`; the pool
 * resumes TLS sessions, as it would in production), and one HTTP/2 upstream process (`node:http2`, which
 * also answers HTTP/1.1) over 1 HTTP/2 connection or 8 HTTP/1.1 connections. Every variant has
 * 16 requests in flight (the pipeline's concurrency limit fixed at 16, so CPU per request
 * compares the protocols, not the load). Within a round the variants take turns in blocks of
 * 250 requests; one unrecorded warm-up round; ratios are medians of the per-turn ratios of two
 * variants' blocks, with their range. Sizes: 1 000 requests per variant per round, ≤ 60 s a round.
 */
export const tlsSuite: Suite = {
  name: 'tls',
  description: `HTTPS keep-alive vs new TLS connection per request, HTTP/2 × 1 vs HTTP/1.1 × ${H1_CONNECTIONS} connections, through the pipeline (${OPERATIONS} GETs × ${CONCURRENCY} in flight per run)`,
  run: async (ctx) => {
    const certs = makeTestCertificates();
    const tls = { ca: certs.ca.cert };
    const h2Upstream = await spawnHttp2Upstream({
      cert: certs.server.cert,
      key: certs.server.key,
      allowHTTP1: true,
    });
    try {
      return await withUpstreams(
        1,
        { requestLogSize: 0, tls: { cert: certs.server.cert, key: certs.server.key } },
        async ([https]) => {
          const httpsUrl = new URL('/bench', https!.url);
          // The upstream closes every connection on this path, so the pool opens (and the TLS
          // session cache resumes) a new one per request: same pipeline, same client settings.
          const freshUrl = new URL('/fresh', https!.url);
          await https!.setBehaviour([
            { match: { path: '/fresh' }, behaviour: { headers: { connection: 'close' } } },
          ]);
          const h2Url = new URL('/bench', h2Upstream.origin);
          const fixed = { fixedConcurrencyLimit: CONCURRENCY };
          const clients = {
            [KEEP_ALIVE]: pipelineClient(httpsUrl, {
              connections: H1_CONNECTIONS,
              upstream: { tls },
              ...fixed,
            }),
            [NEW_CONNECTION]: pipelineClient(freshUrl, {
              connections: H1_CONNECTIONS,
              upstream: { tls },
              ...fixed,
            }),
            [H2]: pipelineClient(h2Url, { connections: 1, upstream: { tls, protocol: 'h2' }, ...fixed }),
            [H1]: pipelineClient(h2Url, {
              connections: H1_CONNECTIONS,
              upstream: { tls, protocol: 'h1' },
              ...fixed,
            }),
          } satisfies Record<string, PipelineLoadClient>;
          type Name = keyof typeof clients;
          try {
            const { summaries: s, paired } = await runInterleavedRounds(ctx, {
              operations: OPERATIONS,
              blockOperations: BLOCK_OPERATIONS,
              concurrency: CONCURRENCY,
              maxDurationMs: MAX_ROUND_MS,
              variants: variantsOf(clients),
            });
            const keepAlive = paired(KEEP_ALIVE, NEW_CONNECTION);
            const newConnectionCpu = paired(NEW_CONNECTION, KEEP_ALIVE, blockCpuPerOperation);
            const h2 = paired(H2, H1);
            const h2Cpu = paired(H2, H1, blockCpuPerOperation);
            const pools = (name: Name) => clients[name].client.stats().pools[0];
            const fresh = pools(NEW_CONNECTION);
            const ratios = {
              keepAliveVsNewTlsConnectionThroughput: keepAlive.median,
              newTlsConnectionVsKeepAliveCpuPerRequest: newConnectionCpu.median,
              h2OneConnectionVsH1EightThroughput: h2.median,
              h2OneConnectionVsH1EightCpuPerRequest: h2Cpu.median,
            };
            return {
              ratios,
              results: {
                ...s,
                pairedRatios: { keepAlive, newConnectionCpu, h2, h2Cpu },
                pools: Object.fromEntries(
                  (Object.keys(clients) as Name[]).map((name) => [name, pools(name)]),
                ),
              },
              table: (Object.keys(s) as Name[]).map((name) => summaryRow(name, s[name])),
              notes: [
                ratioVerdict('HTTPS keep-alive ÷ a new TLS connection per request, throughput', keepAlive, {
                  op: '≥',
                  value: 5,
                }),
                describePairedRatio('new TLS connection ÷ keep-alive CPU per request', newConnectionCpu),
                describePairedRatio(`HTTP/2 × 1 ÷ HTTP/1.1 × ${H1_CONNECTIONS} throughput`, h2),
                describePairedRatio(`HTTP/2 × 1 ÷ HTTP/1.1 × ${H1_CONNECTIONS} CPU per request`, h2Cpu),
                `new TLS connection per request: ${fresh?.tlsHandshakes ?? 0} handshakes, ${fresh?.tlsSessionsReused ?? 0} resumed sessions, mean handshake ${(fresh?.tlsHandshakeTimeMeanMs ?? 0).toFixed(2)} ms, mean connect ${(fresh?.connectTimeMeanMs ?? 0).toFixed(2)} ms`,
                `keep-alive: ${pools(KEEP_ALIVE)?.connectionsCreated ?? 0} connections; HTTP/2: ${pools(H2)?.connectionsCreated ?? 0} connection(s), protocol ${pools(H2)?.protocol ?? '?'}`,
                `sizes: ${OPERATIONS} requests per variant and round in turns of ${BLOCK_OPERATIONS}, ${CONCURRENCY} in flight, ≤ ${MAX_ROUND_MS} ms per round, one warm-up round; table: medians of ${ctx.rounds} rounds`,
              ],
            };
          } finally {
            await Promise.all(Object.values(clients).map((c: LoadClient) => c.close()));
          }
        },
      );
    } finally {
      await h2Upstream.close();
      certs.remove();
    }
  },
};
