import type { RoutingStats } from '@slipstream/contracts';

/**
 * Measured state of one QoS class: the contracts' figures (admitted, shed, queued now, p99
 * queue wait) plus, among `shed`, `timedOut`: those that waited their whole queue timeout
 * (`QueueTimeoutError`) rather than being refused at once (`OverloadedError`), and
 * `rateLimited`: those refused by a rate limit (the class's or their route's).
 */
export type QosClassStats = RoutingStats['classes'][string] & { timedOut: number; rateLimited: number };

/** Measured state of a `QosScheduler`. */
export interface QosSchedulerStats {
  /** Per QoS class, over all clusters. */
  classes: Record<string, QosClassStats>;
  /** Concurrency limit per cluster now. */
  concurrencyLimits: Record<string, number>;
  /** Requests in flight per cluster now. */
  inflight: Record<string, number>;
}
