import { createNetworkClient } from '@slipstream/client';
import { percentChange, ratio, round } from '../runner/figures';
import { runLoad } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import type { DemoUpstream } from '../environment/DemoUpstream';
import { expectOk } from './support/expectOk';
import { scaled } from './support/workload';

const POOL_SIZE = 8;
const CONCURRENCY = 8;

/**
 * Scenario 1: the same GET workload with a new connection per request (`connection: close`)
 * and through the keep-alive pool. Connection counts come from undici's diagnostics channels
 * (pool stats) and from the upstream's own accept counter.
 */
export const connectionPooling: Scenario = {
  id: 1,
  name: 'connection pooling',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const target = ctx.upstreams[0]!;
    const count = scaled(600, ctx.scale, 50);
    ctx.progress(`  ${count} requests, concurrency ${CONCURRENCY}: new connection per request`);
    const baseline = await measure(ctx, target, count, { connection: 'close' });
    ctx.progress(`  ${count} requests, concurrency ${CONCURRENCY}: pooled (${POOL_SIZE} connections)`);
    const optimized = await measure(ctx, target, count, {});
    const accepted = optimized.upstreamConnectionsAccepted;
    const passed =
      optimized.reuseRate > baseline.reuseRate &&
      optimized.failed === 0 &&
      optimized.connectionsCreated <= POOL_SIZE &&
      (typeof accepted !== 'number' || accepted <= POOL_SIZE);
    return {
      baseline,
      optimized,
      change: {
        connections: ratio(optimized.connectionsCreated, baseline.connectionsCreated),
        reuseRate: round(optimized.reuseRate - baseline.reuseRate, 3),
        throughput: percentChange(optimized.throughput, baseline.throughput),
      },
      passed,
      property:
        `pooled reuse rate ${optimized.reuseRate} > per-request ${baseline.reuseRate}, ` +
        `pool opened ${optimized.connectionsCreated} and upstream accepted ${String(accepted)} connections ` +
        `(health probes excluded) ≤ pool size ${POOL_SIZE}, ${optimized.failed} failed`,
    };
  },
};

interface PoolingFigures extends Figures {
  requests: number;
  failed: number;
  connectionsCreated: number;
  reuseRate: number;
  connectMeanMs: number;
  throughput: number;
  upstreamConnectionsAccepted: number | string;
}

async function measure(
  ctx: ScenarioContext,
  target: DemoUpstream,
  count: number,
  headers: Record<string, string>,
): Promise<PoolingFigures> {
  if (target.controllable) await target.resetCounters();
  const client = createNetworkClient(
    {
      clusters: [{ cluster: 'pooling', endpoints: [{ origin: target.origin }], algorithm: 'round-robin' }],
      pool: { connections: POOL_SIZE },
      retry: { maxRetries: 0 },
    },
    { logger: ctx.logger },
  );
  try {
    const load = await runLoad({ count, concurrency: CONCURRENCY, signal: ctx.signal }, async () => {
      expectOk(await client.request({ path: '/pooling', headers, cluster: 'pooling' }));
    });
    const pool = client.stats().pools.find((p) => p.origin === target.origin);
    const counters = target.controllable ? await target.counters() : undefined;
    return {
      requests: load.started,
      failed: load.failed,
      connectionsCreated: pool?.connectionsCreated ?? 0,
      reuseRate: round(pool?.reuseRate ?? 0, 3),
      connectMeanMs: round(pool?.connectTimeMeanMs ?? 0, 3),
      throughput: round(load.throughput, 0),
      // Health probes travel on undici's global dispatcher, at most one connection each.
      upstreamConnectionsAccepted:
        counters === undefined
          ? 'n/a'
          : counters.connectionsAccepted - (counters.requestsByRoute['/health'] ?? 0),
    };
  } finally {
    await client.close();
  }
}
