import type { RoutingStats } from '@slipstream/contracts';

/**
 * Measured state of one QoS class: the contracts' figures (admitted, shed, queued now, p99
 * queue wait) plus `timedOut`, the requests among `shed` that waited their whole queue
 * timeout (`QueueTimeoutError`) rather than being refused at once (`OverloadedError`).
 */
export type QosClassStats = RoutingStats['classes'][string] & { timedOut: number };

/** Measured state of a `QosScheduler`. */
export interface QosSchedulerStats {
  /** Per QoS class, over all clusters. */
  classes: Record<string, QosClassStats>;
  /** Concurrency limit per cluster now. */
  concurrencyLimits: Record<string, number>;
  /** Requests in flight per cluster now. */
  inflight: Record<string, number>;
}
