import { MalformedResponseError, type RequestBatchingConfig } from '@slipstream/contracts';
import type { DemoUpstream } from '../environment/DemoUpstream';
import { percentChange, ratio, round } from '../runner/figures';
import { runLoad } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { scaled } from './support/workload';

const CONCURRENCY = 16;
const CLUSTER = 'rpc';
/** The testkit upstream's JSON-RPC batch endpoint. */
const BATCH_PATH = '/rpc';
/** Baseline: the sidecar's batcher sends every call alone, uncompressed. */
const UNBATCHED = {
  maxBatchSize: 1,
  maxDelayMs: 0,
  compression: 'none',
  compressionThresholdBytes: 512,
} as const;
/** Optimized: up to 20 calls per request, gzip above 512 bytes. */
const BATCHED = {
  maxBatchSize: 20,
  maxDelayMs: 5,
  compression: 'gzip',
  compressionThresholdBytes: 512,
} as const;

/**
 * Scenario 2: the same JSON-RPC `echo` calls through the running sidecar, first with batching
 * off (one call per HTTP request, no compression), then batched with gzip — both settings
 * applied with `network.batching.configure` over the bus, the cluster with
 * `network.balancing.configure`. Bytes on the wire are the upstream's own count of request body
 * bytes received; every call's answer is checked against what it sent. The settings in force
 * before are put back afterwards.
 */
export const requestBatching: Scenario = {
  id: 2,
  name: 'request batching + compression',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const target = ctx.upstreams[0]!;
    const count = scaled(600, ctx.scale, 60);
    await ctx.bus.request('network.balancing.configure', {
      cluster: CLUSTER,
      endpoints: [{ origin: target.origin }],
      batchPath: BATCH_PATH,
    });
    const inForce = (await ctx.bus.request('network.batching.configure', {})).applied;
    let baseline: BatchingFigures;
    let optimized: BatchingFigures;
    try {
      ctx.progress(`  ${count} calls through the sidecar, batching off (max batch size 1, no compression)`);
      baseline = await measure(ctx, target, count, UNBATCHED);
      ctx.progress(
        `  ${count} calls through the sidecar, batched (≤ ${BATCHED.maxBatchSize} per batch, ${BATCHED.compression})`,
      );
      optimized = await measure(ctx, target, count, ctx.featureOff === true ? UNBATCHED : BATCHED);
    } finally {
      await ctx.bus.request('network.batching.configure', restoreOf(inForce));
    }
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
        `batched request bytes on the wire ${optimized.wireBytes} < unbatched ${baseline.wireBytes}, ` +
        `${optimized.httpRequests} vs ${baseline.httpRequests} HTTP requests, ` +
        `${optimized.settledOk}/${count} calls answered with their own result exactly once`,
    };
  },
};

interface BatchingFigures extends Figures {
  calls: number;
  settledOk: number;
  httpRequests: number;
  upstreamCalls: number;
  meanBatchSize: number;
  wireBytes: number;
  decodedBytes: number;
  /** Request body bytes on the wire ÷ decoded (logical) bytes, as the contract's `compressionRatio`: below 1 when compression saved bytes. */
  wireToLogicalRatio: number;
  throughput: number;
}

function paramsOf(i: number): { item: number; note: string } {
  return { item: i, note: `call ${i} of the batching demo; `.repeat(6) };
}

/** The fields this scenario changes, as they were in force before it. */
function restoreOf(inForce: RequestBatchingConfig): RequestBatchingConfig {
  const { maxBatchSize, maxDelayMs, compression, compressionThresholdBytes } = inForce;
  return { maxBatchSize, maxDelayMs, compression, compressionThresholdBytes };
}

/** Applies `settings` over the bus, then sends `count` calls through the sidecar; figures are the upstream's counters. */
async function measure(
  ctx: ScenarioContext,
  target: DemoUpstream,
  count: number,
  settings: RequestBatchingConfig,
): Promise<BatchingFigures> {
  await ctx.bus.request('network.batching.configure', settings);
  await target.resetCounters();
  const answered = new Array<number>(count).fill(0);
  const load = await runLoad({ count, concurrency: CONCURRENCY, signal: ctx.signal }, async (i) => {
    const result = await ctx.network.call<{ item?: unknown } | null>('echo', paramsOf(i), {
      cluster: CLUSTER,
    });
    if (result?.item !== i)
      throw new MalformedResponseError(`call ${i} got the answer of ${String(result?.item)}`);
    answered[i]!++;
  });
  const counters = await target.counters();
  const httpRequests = counters.requestsByRoute[BATCH_PATH] ?? 0;
  return {
    calls: load.started,
    settledOk: answered.filter((n) => n === 1).length,
    httpRequests,
    upstreamCalls: counters.rpcCalls,
    meanBatchSize: httpRequests > 0 ? round(counters.rpcCalls / httpRequests) : 0,
    wireBytes: counters.bytesInWire,
    decodedBytes: counters.bytesInDecoded,
    wireToLogicalRatio:
      counters.bytesInDecoded > 0 ? round(counters.bytesInWire / counters.bytesInDecoded, 3) : 1,
    throughput: round(load.throughput, 0),
  };
}
