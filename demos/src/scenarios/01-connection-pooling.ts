import { MalformedResponseError, type EventBus, type PoolStats } from '@slipstream/contracts';
import type { DemoUpstream } from '../environment/DemoUpstream';
import { percentChange, ratio, round } from '../runner/figures';
import { runLoad, type LoadResult } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { expectOk } from './support/expectOk';
import { newConnectionGet } from './support/newConnectionGet';
import { scaled } from './support/workload';

const POOL_SIZE = 8;
const CONCURRENCY = 8;
const CLUSTER = 'pooling';
const PATH = '/pooling';

/**
 * Scenario 1: the same GET workload sent by a plain client with a new connection per request
 * (baseline, no sidecar), by global `fetch` (what a user would otherwise call: Node's own
 * keep-alive pool), then through the running sidecar after `network.balancing.configure`
 * (a one-endpoint cluster) and `network.pooling.configure` (pool size) over the bus. The pooled
 * figures are the sidecar's pool stats (as `network.pooling.configure` reports them) taken before
 * and after the run; the upstream's own accept counter checks them and counts fetch's
 * connections. Switched off, the upstream answers every sidecar request with `connection: close`,
 * so the pool cannot keep a connection and opens a new one per request.
 */
export const connectionPooling: Scenario = {
  id: 1,
  name: 'connection pooling',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const target = ctx.upstreams[0]!;
    const count = scaled(600, ctx.scale, 50);
    ctx.progress(
      `  ${count} requests, concurrency ${CONCURRENCY}: baseline, plain client, new connection each`,
    );
    const baseline = await measureBaseline(ctx, target, count);
    ctx.progress(`  ${count} requests, concurrency ${CONCURRENCY}: global fetch (Node's keep-alive pool)`);
    const fetched = await measureFetch(ctx, target, count);
    ctx.progress(
      `  ${count} requests, concurrency ${CONCURRENCY}: sidecar, pool of ${POOL_SIZE} set over the bus`,
    );
    await ctx.bus.request('network.balancing.configure', {
      cluster: CLUSTER,
      endpoints: [{ origin: target.origin }],
      algorithm: 'round-robin',
    });
    const inForce = (await ctx.bus.request('network.pooling.configure', {})).applied;
    let optimized: PoolingFigures;
    try {
      await ctx.bus.request('network.pooling.configure', { connections: POOL_SIZE });
      optimized = await measurePooled(ctx, target, count);
    } finally {
      await ctx.bus.request('network.pooling.configure', { connections: inForce.connections });
    }
    const accepted = optimized.upstreamConnections;
    const passed =
      optimized.reuseRate > baseline.reuseRate &&
      optimized.failed === 0 &&
      optimized.connectionsCreated <= POOL_SIZE &&
      accepted <= POOL_SIZE;
    return {
      baseline,
      optimized,
      change: {
        connections: ratio(optimized.connectionsCreated, baseline.connectionsCreated),
        reuseRate: round(optimized.reuseRate - baseline.reuseRate, 3),
        throughput: percentChange(optimized.throughput, baseline.throughput),
        fetchConnections: fetched.upstreamConnections,
        fetchReuseRate: fetched.reuseRate,
        throughputVsFetch: ratio(optimized.throughput, fetched.throughput),
      },
      passed,
      property:
        `sidecar reuse rate ${optimized.reuseRate} > per-request baseline ${baseline.reuseRate}, ` +
        `sidecar pool opened ${optimized.connectionsCreated} and the upstream served ${PATH} on ${accepted} connections ` +
        `≤ pool size ${POOL_SIZE}, ${optimized.failed} failed; global fetch: reuse ${fetched.reuseRate} on ` +
        `${fetched.upstreamConnections} connections, sidecar throughput ${ratio(optimized.throughput, fetched.throughput)}× fetch's`,
    };
  },
};

interface PoolingFigures extends Figures {
  client: string;
  requests: number;
  failed: number;
  connectionsCreated: number;
  reuseRate: number;
  throughput: number;
  /** Connections the upstream saw carrying the workload's path (health probes travel on others). */
  upstreamConnections: number;
}

/** Baseline: plain `node:http`, a connection of its own per request; connections counted as the client opens them. */
async function measureBaseline(
  ctx: ScenarioContext,
  target: DemoUpstream,
  count: number,
): Promise<PoolingFigures> {
  await target.resetCounters();
  const url = new URL(PATH, target.origin);
  let connections = 0;
  const load = await runLoad({ count, concurrency: CONCURRENCY, signal: ctx.signal }, () =>
    newConnectionGet(url, () => connections++),
  );
  return figuresOf(
    'baseline: plain node:http, new connection per request',
    target,
    load,
    connections,
    load.started,
  );
}

/** Global `fetch`: Node's bundled undici with its default keep-alive agent; connections as the upstream accepted them. */
async function measureFetch(
  ctx: ScenarioContext,
  target: DemoUpstream,
  count: number,
): Promise<PoolingFigures> {
  await target.resetCounters();
  const url = new URL(PATH, target.origin);
  const load = await runLoad({ count, concurrency: CONCURRENCY, signal: ctx.signal }, async () => {
    const res = await fetch(url);
    await res.arrayBuffer();
    if (!res.ok) throw new MalformedResponseError(`fetch ${url.href} answered ${res.status}`);
  });
  const accepted = (await target.counters()).connectionsByRoute[PATH] ?? 0;
  return figuresOf('global fetch (keep-alive)', target, load, accepted, load.started);
}

/** Through the sidecar's pipeline; connections and requests are the sidecar's pool-stat deltas over the run. */
async function measurePooled(
  ctx: ScenarioContext,
  target: DemoUpstream,
  count: number,
): Promise<PoolingFigures> {
  await target.resetCounters();
  const off = ctx.featureOff === true;
  if (off) await target.setBehaviour({ headers: { connection: 'close' } });
  const before = await poolOf(ctx.bus, target.origin);
  let load: LoadResult;
  try {
    load = await runLoad({ count, concurrency: CONCURRENCY, signal: ctx.signal }, async () => {
      expectOk(await ctx.network.request({ path: PATH, cluster: CLUSTER }));
    });
  } finally {
    if (off) await target.setBehaviour({});
  }
  const after = await poolOf(ctx.bus, target.origin);
  return figuresOf(
    `sidecar (pool ${POOL_SIZE} via network.pooling.configure)`,
    target,
    load,
    (after?.connectionsCreated ?? 0) - (before?.connectionsCreated ?? 0),
    (after?.requests ?? 0) - (before?.requests ?? 0),
  );
}

/** The sidecar's stats of the pool to `origin`, as `network.pooling.configure` (changing nothing) reports them. */
async function poolOf(bus: EventBus, origin: string): Promise<PoolStats | undefined> {
  const { pools } = await bus.request('network.pooling.configure', {});
  return pools.find((p) => p.origin === origin);
}

async function figuresOf(
  client: string,
  target: DemoUpstream,
  load: LoadResult,
  connectionsCreated: number,
  requests: number,
): Promise<PoolingFigures> {
  const counters = await target.counters();
  return {
    client,
    requests: load.started,
    failed: load.failed,
    connectionsCreated,
    reuseRate: requests > 0 ? round(1 - connectionsCreated / requests, 3) : 0,
    throughput: round(load.throughput, 0),
    upstreamConnections: counters.connectionsByRoute[PATH] ?? 0,
  };
}
