import type { EventBus, NetworkMetricsSnapshot, PoolStats } from '@slipstream/contracts';

/** A snapshot with `queued` requests waiting at one pool; its window's throughput falls by 10 per request queued. */
export function snapshot(queued: number, running: number): NetworkMetricsSnapshot {
  const pool = { origin: 'http://a', queued, running, requests: 0, connectionsCreated: 0 } as PoolStats;
  return {
    pools: [pool],
    breakers: [],
    clusters: {},
    overall: { latencyP99: 0, throughput: 100 - 10 * queued },
    health: { sloLatencyMs: 250 },
  } as unknown as NetworkMetricsSnapshot;
}

/** A bus that answers the pooling command like a sidecar, recording what was sent and published. */
export function fakeBus(connections: { value: number }) {
  const sent: { topic: string; payload: unknown }[] = [];
  const published: { topic: string; payload: { after?: number } }[] = [];
  const bus = {
    request: (topic: string, payload: { connections?: number }) => {
      sent.push({ topic, payload });
      if (payload.connections !== undefined) connections.value = payload.connections;
      return Promise.resolve({
        applied: { connections: connections.value, pipelining: 1, keepAliveTimeoutMs: 4_000 },
      });
    },
    publish: (topic: string, payload: { after?: number }) => {
      published.push({ topic, payload });
      return Promise.resolve();
    },
  };
  return { bus: bus as unknown as EventBus, sent, published };
}
