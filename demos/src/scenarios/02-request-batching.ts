import { createNetworkClient } from '@slipstream/client';
import { MalformedResponseError } from '@slipstream/contracts';
import type { DemoUpstream } from '../environment/DemoUpstream';
import { percentChange, ratio, round } from '../runner/figures';
import { runLoad } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { expectOk } from './support/expectOk';
import { scaled } from './support/workload';

const CONCURRENCY = 16;
const BATCH = {
  maxBatchSize: 20,
  maxDelayMs: 5,
  compression: 'gzip',
  compressionThresholdBytes: 512,
} as const;

/**
 * Scenario 2: the same JSON-RPC `echo` calls sent one HTTP request each, then through the
 * batcher with gzip. Bytes on the wire are the upstream's own count of request body bytes
 * received; every call's answer is checked against what it sent.
 */
export const requestBatching: Scenario = {
  id: 2,
  name: 'request batching + compression',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const target = ctx.upstreams[0]!;
    const count = scaled(600, ctx.scale, 60);
    const client = createNetworkClient(
      {
        clusters: [{ cluster: 'rpc', endpoints: [{ origin: target.origin }], batchPath: '/rpc' }],
        batching: BATCH,
        retry: { maxRetries: 0 },
      },
      { logger: ctx.logger },
    );
    try {
      ctx.progress(`  ${count} calls, one request each`);
      const baseline = await measure(ctx, target, count, async (i) => {
        const body = JSON.stringify({ jsonrpc: '2.0', id: i, method: 'echo', params: paramsOf(i) });
        const res = expectOk(
          await client.request(
            {
              method: 'POST',
              path: '/rpc',
              cluster: 'rpc',
              body,
              headers: { 'content-type': 'application/json' },
            },
            { idempotent: false },
          ),
        );
        return (JSON.parse(res.text()) as { result: unknown }).result;
      });
      ctx.progress(`  ${count} calls, batched (≤ ${BATCH.maxBatchSize} per batch, ${BATCH.compression})`);
      const optimized = await measure(ctx, target, count, (i) =>
        client.call('echo', paramsOf(i), { cluster: 'rpc' }),
      );
      const batching = client.stats().batching['rpc'];
      optimized.meanBatchSize = round(batching?.meanBatchSize ?? 0);
      optimized.compressionRatio = round(batching?.compressionRatio ?? 1, 3);
      const passed =
        optimized.wireBytes < baseline.wireBytes &&
        optimized.httpRequests < baseline.httpRequests &&
        baseline.settledOk === count &&
        optimized.settledOk === count &&
        optimized.upstreamCalls === count;
      return {
        baseline,
        optimized,
        change: {
          wireBytes: percentChange(optimized.wireBytes, baseline.wireBytes),
          httpRequests: ratio(optimized.httpRequests, baseline.httpRequests),
          throughput: percentChange(optimized.throughput, baseline.throughput),
        },
        passed,
        property:
          `batched request bytes on the wire ${optimized.wireBytes} < individual ${baseline.wireBytes}, ` +
          `${optimized.httpRequests} vs ${baseline.httpRequests} HTTP requests, ` +
          `${optimized.settledOk}/${count} calls answered with their own result exactly once`,
      };
    } finally {
      await client.close();
    }
  },
};

interface BatchingFigures extends Figures {
  calls: number;
  settledOk: number;
  httpRequests: number;
  upstreamCalls: number;
  wireBytes: number;
  decodedBytes: number;
  throughput: number;
}

function paramsOf(i: number): { item: number; note: string } {
  return { item: i, note: `call ${i} of the batching demo; `.repeat(6) };
}

async function measure(
  ctx: ScenarioContext,
  target: DemoUpstream,
  count: number,
  call: (i: number) => Promise<unknown>,
): Promise<BatchingFigures> {
  await target.resetCounters();
  const answered = new Array<number>(count).fill(0);
  const load = await runLoad({ count, concurrency: CONCURRENCY, signal: ctx.signal }, async (i) => {
    const result = (await call(i)) as { item?: unknown } | null;
    if (result?.item !== i)
      throw new MalformedResponseError(`call ${i} got the answer of ${String(result?.item)}`);
    answered[i]!++;
  });
  const counters = await target.counters();
  return {
    calls: load.started,
    settledOk: answered.filter((n) => n === 1).length,
    httpRequests: counters.requestsByRoute['/rpc'] ?? 0,
    upstreamCalls: counters.rpcCalls,
    wireBytes: counters.bytesInWire,
    decodedBytes: counters.bytesInDecoded,
    throughput: round(load.throughput, 0),
  };
}
