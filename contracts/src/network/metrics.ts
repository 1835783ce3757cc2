import type { OutcomeKind } from './outcome';
/**
 * Figures measured over one window of traffic. Every field comes from timers and counters
 * of that window; none is configured or assumed.
 */
export interface PerformanceMetrics {
  /** Mean latency of completed requests, ms. */
  latency: number;
  /** Median latency, ms. */
  latencyP50: number;
  /** 99th-percentile latency, ms. */
  latencyP99: number;
  /** Completed requests per second of wall-clock time in the window. */
  throughput: number;
  /** Requests that ended in an upstream failure ÷ requests, 0..1 (4xx, local rejections and cancellations are not errors). */
  errorRate: number;
  /** Requests in the window by outcome kind (the classifier's verdict); absent where no monitor measured them. */
  outcomes?: Record<OutcomeKind, number>;
  /** Successful requests ÷ requests, 0..1 (1 − errorRate, counting fallbacks as served). */
  availability: number;
  /**
   * Connection efficiency: 1 − new connections ÷ requests over the window, 0..1
   * (the reuse rate measured from undici's diagnostics channels).
   */
  efficiency: number;
  /** Requests in the window. */
  requests: number;
  /** Window length, ms. */
  durationMs: number;
}

/** Measured statistics of one origin's connection pool. */
export interface PoolStats {
  origin: string;
  /** Requests dispatched to this origin. */
  requests: number;
  /** Connections opened since the pool was created. */
  connectionsCreated: number;
  /** Connections open now. */
  connectionsOpen: number;
  /** 1 − connectionsCreated ÷ requests (0 when no request was made). */
  reuseRate: number;
  /** Mean TCP/TLS connect time, ms. */
  connectTimeMeanMs: number;
  /** 99th-percentile connect time, ms. */
  connectTimeP99Ms: number;
  /** Requests waiting in Slipstream's bounded queue for this origin. */
  queued: number;
  /** Requests on the wire now. */
  running: number;
  /** Requests handed to undici but not yet written. */
  pending: number;
  /** Request body bytes before compression. */
  bytesOutLogical: number;
  /** Request body bytes as sent. */
  bytesOutWire: number;
  /** Response body bytes after decompression. */
  bytesInLogical: number;
  /** Response body bytes as received. */
  bytesInWire: number;
  /** Days until the TLS certificate the origin presented last expires (negative once expired); absent for http origins and before a TLS connection. */
  certificateDaysLeft?: number | undefined;
}

/** Why a batch was flushed. */
export type FlushReason = 'size' | 'delay' | 'bytes' | 'priority' | 'close';

/** Measured statistics of a request batcher. */
export interface BatchStats {
  batchesSent: number;
  callsSent: number;
  /** callsSent ÷ batchesSent. */
  meanBatchSize: number;
  flushReasons: Record<FlushReason, number>;
  /** Calls answered from an identical in-flight call. */
  deduplicated: number;
  /** Calls settled per second over the last window. */
  itemsPerSecond: number;
  /** Bytes on the wire ÷ logical bytes, request bodies (1 when nothing was compressed). */
  compressionRatio: number;
  /** Request body bytes before compression, summed over the batches sent. */
  bytesLogical?: number;
  /** Request body bytes as sent, summed over the batches sent. */
  bytesWire?: number;
}

/** Load-balancing algorithm names. */
export type BalancerAlgorithm =
  'round-robin' | 'random' | 'least-outstanding' | 'p2c-peak-ewma' | 'consistent-hash';

/** Measured state of one endpoint of a cluster. */
export interface EndpointStats {
  origin: string;
  /** Priority tier, 0 = primary. */
  tier: number;
  weight: number;
  healthy: boolean;
  ejected: boolean;
  /** Times outlier detection ejected this endpoint. */
  ejections?: number;
  inflight: number;
  /**
   * Peak-EWMA round-trip estimate, ms: what P2C picks by. It jumps to a slow sample and decays
   * toward zero between samples, so it is a routing cost, not a latency figure; compare
   * endpoints' latency with `latencyTotalMs ÷ latencySamples` over a window instead.
   */
  ewmaMs: number;
  requests: number;
  failures: number;
  /** Answers (attempts that did not fail) whose round trip was measured, since start. */
  latencySamples: number;
  /** Sum of those answers' round trips (send to response headers), ms, since start. */
  latencyTotalMs: number;
  /** This endpoint's requests ÷ the cluster's requests. */
  share: number;
}

/** Measured state of a cluster. */
export interface ClusterStats {
  cluster: string;
  algorithm: BalancerAlgorithm;
  endpoints: EndpointStats[];
  /** Whether too few endpoints are healthy and traffic goes to all of them. */
  panic: boolean;
  /** The tier traffic goes to now. */
  activeTier: number;
}

/** Circuit states. */
export type BreakerState = 'closed' | 'open' | 'halfOpen';

/** Measured state of one endpoint's circuit breaker. */
export interface BreakerStats {
  endpoint: string;
  /** The cluster whose breaker this is (breakers are per cluster and endpoint). */
  cluster?: string;
  state: BreakerState;
  successes: number;
  failures: number;
  timeouts: number;
  /** Calls refused because the circuit was open. */
  rejects: number;
  fallbacks: number;
  opens: number;
  halfOpens: number;
  closes: number;
}

/** Health score 0..100 with the measured inputs it came from. */
export interface HealthScore {
  score: number;
  /** Successful ÷ requests in the window, 0..1. */
  availability: number;
  /** p99 latency in the window, ms. */
  latencyP99Ms: number;
  /** The latency objective it was scored against, ms. */
  sloLatencyMs: number;
  /** In-flight ÷ concurrency limit, 0..1. */
  saturation: number;
}

/** Measured state of the router and QoS scheduler. */
export interface RoutingStats {
  routes: number;
  /** Requests per route id. */
  requestsByRoute: Record<string, number>;
  /** Per QoS class: admitted, shed, queued now, p99 queue wait. */
  classes: Record<
    string,
    {
      admitted: number;
      /** Refused (overload, rate limit) or timed out in the queue. */
      shed: number;
      queued: number;
      queueWaitP99Ms: number;
      /** Of `shed`, those that waited their whole queue timeout. */
      timedOut?: number;
      /** Of `shed`, those refused by the class's or their route's rate limit. */
      rateLimited?: number;
    }
  >;
  /** Adaptive concurrency limit per cluster now. */
  concurrencyLimits: Record<string, number>;
  /** For routes with alternatives: the cluster chosen now. */
  activeClusters: Record<string, string>;
}

/** The periodic `network.metrics.snapshot` event. */
export interface NetworkMetricsSnapshot {
  timestamp: number;
  /** Length of the window the figures cover, ms. */
  windowMs: number;
  overall: PerformanceMetrics;
  health: HealthScore;
  clusters: Record<string, { metrics: PerformanceMetrics; health: HealthScore }>;
  pools: PoolStats[];
  breakers: BreakerStats[];
  /** Load-balancing state of every cluster. */
  balancing?: ClusterStats[];
  batching?: BatchStats;
  routing?: RoutingStats;
  /** Number of measurements recorded since start (samples, counter increments). */
  metricsCollected: number;
}
