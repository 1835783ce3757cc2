import { RpcError, type CompressionAlgorithm } from '@slipstream/contracts';
import { RequestBatcher, type BatchSender } from '@slipstream/batching';
import { PoolManager } from '@slipstream/http';
import type { SpawnedUpstream } from '@slipstream/testkit';

import { runClosedLoop, type ClosedLoopResult } from '../harness/closedLoop';
import { runRounds, summarizeRuns } from '../harness/compare';
import { pairedRatio } from '../harness/pairedRatio';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { median, ratio } from '../harness/summarize';
import { ratioVerdict } from '../harness/verdict';

/** Logical calls per run of one variant. */
const CALLS = 4_000;
/** Logical calls in flight. */
const CONCURRENCY = 200;
/** A run ends early after this long, ms. */
const MAX_RUN_MS = 8_000;
/** Pool connections to the upstream. */
const CONNECTIONS = 16;
const RPC_PATH = '/rpc';

/** A call's params: a small record, like an agent's update (about 200 bytes of JSON). */
function paramsOf(i: number): unknown {
  return {
    user: `user-${i % 1000}`,
    action: 'profile.update',
    fields: { name: `Name ${i}`, email: `user${i}@example.com`, locale: 'en-GB', tags: ['beta', 'mobile'] },
    at: 1_700_000_000_000 + i,
  };
}

/** One run's measurements plus the upstream's byte counts. */
interface BatchingRun extends ClosedLoopResult {
  /** Request body bytes on the wire per logical call. */
  wireBytesPerCall: number;
  /** Request body bytes before compression per logical call. */
  logicalBytesPerCall: number;
}

/** A JSON-RPC sender on the http package's `PoolManager`. */
function poolSender(pool: PoolManager, origin: string): BatchSender {
  return async (batch, signal) => {
    const body = typeof batch.body === 'string' ? batch.body : Buffer.from(batch.body);
    const res = await pool.request(
      { origin, path: RPC_PATH, method: 'POST', headers: { ...batch.headers }, body },
      { signal, idempotent: false },
    );
    return { status: res.statusCode, headers: res.headers, body: res.body };
  };
}

/** One JSON-RPC call in its own HTTP request. */
async function individualCall(pool: PoolManager, origin: string, i: number): Promise<unknown> {
  const res = await pool.request(
    {
      origin,
      path: RPC_PATH,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'echo', params: paramsOf(i) }),
    },
    { idempotent: false },
  );
  const answer = res.json<{ result?: unknown; error?: { code: number; message: string } }>();
  if (answer.error) throw new RpcError(answer.error.code, answer.error.message);
  return answer.result;
}

/** Runs the calls with the upstream's counters reset before and read after. */
async function measured(
  upstream: SpawnedUpstream,
  call: (i: number) => Promise<unknown>,
): Promise<BatchingRun> {
  await upstream.resetCounters();
  const result = await runClosedLoop({
    operations: CALLS,
    concurrency: CONCURRENCY,
    maxDurationMs: MAX_RUN_MS,
    operation: call,
  });
  const counters = await upstream.counters();
  const calls = Math.max(1, result.operations);
  return {
    ...result,
    wireBytesPerCall: counters.bytesInWire / calls,
    logicalBytesPerCall: counters.bytesInDecoded / calls,
  };
}

/**
 * Suite `batching`: small JSON-RPC `echo` calls to one upstream process, each in its own
 * request (baseline) vs through a `RequestBatcher` (sizes 10 and 50), plain and gzip; logical
 * calls per second and request-body bytes on the wire per call, counted by the upstream.
 * Sizes: 4 000 calls per run, 200 in flight, 16 pool connections, at most 8 s per run.
 */
export const batchingSuite: Suite = {
  name: 'batching',
  description: `individual vs batched (10, 50) × gzip on/off (${CALLS} calls × ${CONCURRENCY} in flight per run)`,
  run: (ctx) =>
    withUpstreams(1, { requestLogSize: 0 }, async ([upstream]) => {
      const origin = upstream!.origin;
      const pool = new PoolManager({ connections: CONNECTIONS });
      const batchers: RequestBatcher[] = [];
      const batched = (maxBatchSize: number, compression: CompressionAlgorithm) => {
        const batcher = new RequestBatcher(poolSender(pool, origin), {
          maxBatchSize,
          compression,
          maxInFlightBatches: CONNECTIONS,
        });
        batchers.push(batcher);
        return () => measured(upstream!, (i) => batcher.call('echo', paramsOf(i)));
      };
      try {
        const runs = await runRounds(
          ctx.rounds,
          {
            individual: () => measured(upstream!, (i) => individualCall(pool, origin, i)),
            'batch 10': batched(10, 'none'),
            'batch 50': batched(50, 'none'),
            'batch 10 gzip': batched(10, 'gzip'),
            'batch 50 gzip': batched(50, 'gzip'),
          },
          {
            onRound: (round, name, r) =>
              ctx.progress(
                `round ${round + 1}/${ctx.rounds} ${name}: ${Math.round(r.throughput)} calls/s, ${r.wireBytesPerCall.toFixed(0)} B/call`,
              ),
          },
        );
        const summaries = Object.fromEntries(
          Object.entries(runs).map(([name, list]) => [
            name,
            {
              ...summarizeRuns(list),
              wireBytesPerCall: median(list.map((r) => r.wireBytesPerCall)),
              logicalBytesPerCall: median(list.map((r) => r.logicalBytesPerCall)),
            },
          ]),
        );
        const s = (name: keyof typeof runs) => summaries[name]!;
        // One pair per round: the two variants' runs of that round.
        const batch10VsIndividual = pairedRatio(runs['batch 10'], runs.individual, (r) => r.throughput);
        const ratios = {
          batch10VsIndividual: ratio(s('batch 10').throughput, s('individual').throughput),
          batch50VsIndividual: ratio(s('batch 50').throughput, s('individual').throughput),
          wireBytesCompressedVsPlain: ratio(
            s('batch 50 gzip').wireBytesPerCall,
            s('batch 50').wireBytesPerCall,
          ),
          wireBytesCompressedVsPlainBatch10: ratio(
            s('batch 10 gzip').wireBytesPerCall,
            s('batch 10').wireBytesPerCall,
          ),
          batch50GzipVsPlainThroughput: ratio(s('batch 50 gzip').throughput, s('batch 50').throughput),
        };
        return {
          ratios,
          results: { ...summaries, pairedRatios: { batch10VsIndividual } },
          table: Object.entries(summaries).map(([variant, v]) => ({
            variant,
            'calls/s': v.throughput,
            'p50 ms': v.p50,
            'p99 ms': v.p99,
            'CPU µs/call': v.cpuPerOpUs,
            'wire B/call': v.wireBytesPerCall,
            'logical B/call': v.logicalBytesPerCall,
            errors: v.errors,
          })),
          notes: [
            ratioVerdict('batched (size 10) ÷ individual calls per second', batch10VsIndividual, {
              op: '≥',
              value: 5,
            }),
            'wire bytes: request bodies as the upstream received them (headers not counted)',
            `sizes: ${CALLS} calls per run, ${CONCURRENCY} in flight, ${CONNECTIONS} connections, ≤ ${MAX_RUN_MS} ms per run; medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all(batchers.map((b) => b.close()));
        await pool.close();
      }
    }),
};
