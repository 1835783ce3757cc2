import type { BatchStats, BreakerStats, ClusterStats, PoolStats, RoutingStats } from '@slipstream/contracts';

/** Providers of measured gauges the pipeline registers; read at snapshot and scrape time, never per request. */
export interface StatsSources {
  /** Connection pools: open, created, reuse, connect time, queue, bytes. */
  pools: () => PoolStats[];
  /** Circuit breakers: state and counts. */
  breakers: () => BreakerStats[];
  /** Clusters: endpoints, health, ejection, in-flight. */
  clusters: () => ClusterStats[];
  /** The request batcher. */
  batching: () => BatchStats;
  /** The router and QoS scheduler: shed, queued, concurrency limits. */
  routing: () => RoutingStats;
}

/** A kind of stats source. */
export type StatsSourceKind = keyof StatsSources;
