import type { BalancerAlgorithm } from './metrics';

/** Settings of the per-origin connection pools. Every field is optional; omitted ones keep their value. */
export interface ConnectionPoolingConfig {
  /** Max connections per origin. Defaults to 50. */
  connections?: number;
  /** Requests pipelined per connection. Defaults to 1. */
  pipelining?: number;
  /** Idle keep-alive timeout, ms; keep it below the server's. Defaults to 4_000 ms. */
  keepAliveTimeoutMs?: number;
  /** Cap on a server-advertised keep-alive timeout, ms. Defaults to 600_000 ms. */
  keepAliveMaxTimeoutMs?: number;
  /** TCP/TLS connect timeout, ms. Defaults to 10_000 ms. */
  connectTimeoutMs?: number;
  /** Time to response headers, ms. Defaults to 30_000 ms. */
  headersTimeoutMs?: number;
  /** Max idle time between body chunks, ms. Defaults to 30_000 ms. */
  bodyTimeoutMs?: number;
  /** Max response body, bytes; -1 for no limit. Defaults to -1. */
  maxResponseSize?: number;
  /** Requests that may wait per origin beyond the connections. Defaults to 1_000. */
  maxPending?: number;
  /** How long a request may wait in that queue, ms. Defaults to 10_000 ms. */
  queueTimeoutMs?: number;
  /** Negotiate HTTP/2 over TLS. Defaults to false. */
  allowH2?: boolean;
  /** Close an origin's pool after this long without requests, ms. Defaults to 300_000 ms. */
  idleOriginTtlMs?: number;
}

/** Compression of request bodies. */
export type CompressionAlgorithm = 'none' | 'gzip' | 'br';

/** Settings of the JSON-RPC request batcher. */
export interface RequestBatchingConfig {
  /** Flush when this many calls wait. Defaults to 10. */
  maxBatchSize?: number;
  /** Flush this long after the first call of a batch, ms. Defaults to 2 ms. */
  maxDelayMs?: number;
  /** Flush before the encoded batch exceeds this many bytes. Defaults to no limit. */
  maxBatchBytes?: number;
  /** Batches on the wire at once. Defaults to 16. */
  maxInFlightBatches?: number;
  /** Share one result among identical idempotent calls in a window. Defaults to false. */
  dedupe?: boolean;
  /** Request body compression. Defaults to 'none'. */
  compression?: CompressionAlgorithm;
  /** Compress bodies at least this big, bytes. Defaults to 1_024. */
  compressionThresholdBytes?: number;
  /** A batch (and each call in it) fails with `RequestTimeoutError` after this long, ms. Defaults to 30_000 ms. */
  timeoutMs?: number;
}

/** TLS settings of the connections to an upstream (https origins only). */
export interface UpstreamTlsConfig {
  /** CA bundle that signs the upstream's certificate: PEM text or a file path. Defaults to Node's bundled CAs. */
  ca?: string;
  /** Client certificate for mutual TLS: PEM text or a file path; needs `key` in the same `tls` block (both on the cluster or both on the endpoint). Defaults to none. */
  cert?: string;
  /** Private key of `cert`: PEM text or a file path; needs `cert` in the same `tls` block, and must match it. Defaults to none. */
  key?: string;
  /** Server name sent in SNI and checked against the certificate. Defaults to the origin's host name (none for an IP address). */
  servername?: string;
  /** Refuse an upstream whose certificate does not verify; `false` warns once per cluster (on the logger, else a `SLIP_WARN_INSECURE_TLS` process warning). Defaults to true. */
  rejectUnauthorized?: boolean;
  /** Lowest TLS version offered. Defaults to 'TLSv1.2'. (ALPN follows `protocol`: 'http/1.1', plus 'h2' with 'h2' or 'auto'.) */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/**
 * How connections to an upstream are made and how long they live. Set on a cluster, on an
 * endpoint, or both: an endpoint's fields override its cluster's (`tls` field by field). An
 * origin has one connection pool: endpoints of several clusters at one origin (`http://h:80`
 * and `http://h` are one) must have the same settings, or the configuration is refused.
 */
export interface UpstreamConnectionConfig {
  /** TLS settings (https origins). Defaults to Node's defaults (system CAs, verification on). */
  tls?: UpstreamTlsConfig;
  /** HTTP version: 'h1' (HTTP/1.1), 'h2' (HTTP/2 over TLS, ALPN 'h2' only) or 'auto' (ALPN picks). Defaults to 'h1'. */
  protocol?: 'h1' | 'h2' | 'auto';
  /** Streams one HTTP/2 connection carries at once (the pool's limit is connections × this). Defaults to 100. */
  maxConcurrentStreams?: number;
  /** Close an HTTP/1.1 connection after this many requests (0: never). Defaults to 0. */
  maxRequestsPerConnection?: number;
  /** Retire a connection (after its in-flight requests) once it is this old, ms (0: never). Defaults to 0. */
  maxConnectionAgeMs?: number;
  /** Each connection's age limit is shortened by a random share up to this, 0..1, so they do not expire together. Defaults to 0.1. */
  maxConnectionAgeJitter?: number;
}

/** One endpoint of a cluster; its connection settings override the cluster's. */
export interface EndpointConfig extends UpstreamConnectionConfig {
  /** `http://host:port`. */
  origin: string;
  /** Relative weight. Defaults to 1. */
  weight?: number;
  /** Priority tier, 0 = primary. Defaults to 0. */
  tier?: number;
}

/** Settings of a cluster's active health checks: a GET of `path` on every endpoint each interval. */
export interface HealthCheckConfig {
  /** Path probed; a 2xx answer passes. Defaults to '/health'. */
  path?: string;
  /** Time between probe rounds, ms. Defaults to 5_000 ms. */
  intervalMs?: number;
  /** Fraction of the interval added at random. Defaults to 0.1. */
  jitter?: number;
  /** A probe without an answer after this long fails, ms. Defaults to 1_000 ms. */
  timeoutMs?: number;
  /** Passes in a row to mark healthy. Defaults to 2. */
  healthyThreshold?: number;
  /** Failures in a row to mark unhealthy. Defaults to 3. */
  unhealthyThreshold?: number;
}

/**
 * Settings of one cluster's load balancing, health checks, outlier detection, stickiness and
 * failover, and of the connections to its endpoints (`UpstreamConnectionConfig`).
 */
export interface LoadBalancingConfig extends UpstreamConnectionConfig {
  cluster: string;
  endpoints?: EndpointConfig[];
  /** Path of the cluster's JSON-RPC batch endpoint (POST). Defaults to '/rpc'. */
  batchPath?: string;
  /** Defaults to 'p2c-peak-ewma'. */
  algorithm?: BalancerAlgorithm;
  /** Active health checks of the endpoints. Off when omitted: passive signals (outlier detection, breakers) work alone. */
  healthCheck?: HealthCheckConfig;
  outlierDetection?: {
    /** Consecutive failures that eject. Defaults to 5. */
    consecutiveFailures?: number;
    /** First ejection length, ms; the n-th lasts n times as long. Defaults to 30_000 ms. */
    baseEjectionMs?: number;
    /** Defaults to 300_000 ms. */
    maxEjectionMs?: number;
    /** Share of endpoints that may be ejected at once, 0..100. Defaults to 50. */
    maxEjectionPercent?: number;
    /**
     * After an ejection ends, its multiplier drops by one for each period of this length the
     * endpoint goes without being ejected again (Envoy's decay), ms. Defaults to `baseEjectionMs`.
     */
    multiplierDecayMs?: number;
  };
  /** Below this share of healthy endpoints, route to all (panic), 0..100. Defaults to 50. */
  panicThresholdPercent?: number;
  /** A recovered endpoint's share ramps up over this long, ms. Defaults to 0 (off). */
  slowStartMs?: number;
  /** Spill to the next tier when the active tier's healthy share drops below this, 0..100. Defaults to 70. */
  failoverThresholdPercent?: number;
  /**
   * Sticky sessions, with any algorithm: a key keeps its endpoint while that endpoint is
   * available, then is re-picked by the algorithm (consistent-hash maps keys on its ring).
   */
  sticky?: {
    /** Where the key comes from. Explicit `stickyKey` on a request always wins. */
    source?: 'header' | 'cookie';
    /** Header or cookie name. */
    name?: string;
  };
}

/** Settings of the per-endpoint circuit breakers. */
export interface CircuitBreakerConfig {
  /** Applies to this cluster's endpoints; all when omitted. */
  cluster?: string;
  /** A call slower than this fails (and is aborted), ms. Defaults to 10_000 ms. */
  timeoutMs?: number;
  /** Error share in the rolling window that opens the circuit, 0..100. Defaults to 50. */
  errorThresholdPercentage?: number;
  /** Calls in the window before the circuit may open. Defaults to 5 (the design brief's failure threshold). */
  volumeThreshold?: number;
  /** Open time before a half-open probe, ms. Defaults to 60_000 ms. */
  resetTimeoutMs?: number;
  /** Rolling window length, ms. Defaults to 10_000 ms. */
  rollingCountTimeoutMs?: number;
  /** Buckets in the rolling window. Defaults to 10. */
  rollingCountBuckets?: number;
  /** What an open circuit returns: an error (default) or this static response. */
  fallback?: { status: number; body: unknown } | null;
}

/** Settings of monitoring: objective, alerts and the admin endpoint. */
export interface NetworkMonitoringConfig {
  /** Latency objective for the health score, ms. Defaults to 250 ms. */
  sloLatencyMs?: number;
  /** Period of `network.metrics.snapshot`, ms; 0 turns it off. Defaults to 10_000 ms. */
  snapshotIntervalMs?: number;
  /** Sliding window for rates and percentiles, ms. Defaults to 60_000 ms. */
  windowMs?: number;
  alertRules?: AlertRuleConfig[];
  admin?: {
    /** Defaults to false. */
    enabled?: boolean;
    /** Defaults to '127.0.0.1'; a non-loopback host needs `allowRemote: true` and a `bearerToken`. */
    host?: string;
    /** Defaults to 9470; 0 picks any free port. */
    port?: number;
    /** Must be true to listen on a non-loopback host. Defaults to false. */
    allowRemote?: boolean;
    /** When set, every admin request must carry `Authorization: Bearer <token>`. */
    bearerToken?: string;
  };
  /**
   * OpenTelemetry tracing on `@opentelemetry/api`: a span per request and per attempt/hedge,
   * W3C `traceparent`/`tracestate` injected into upstream requests and, in the sidecar process,
   * extracted from inbound ones. Spans go to the SDK the process registers (none: nothing is
   * recorded); which traces are kept is that SDK's sampler. Set at start (a change needs a restart).
   */
  tracing?: {
    /** Defaults to false. */
    enabled?: boolean;
  };
  /**
   * The access log: one `access` line per sampled request through the logger (route, cluster,
   * endpoint, status, outcome kind, duration, attempts, bytes, trace id), redacted as every line
   * (`log.redactQueryParams`). Set at start (a change needs a restart).
   */
  accessLog?: {
    /** Defaults to false. */
    enabled?: boolean;
    /** Share of requests logged, 0..1, decided when a request starts. Defaults to 1 (every request). */
    sampleRate?: number;
  };
  /** The Prometheus exposition (`/metrics`). Set at start (a change needs a restart). */
  prometheus?: {
    /** Most label sets per request series (cluster × route × endpoint, cluster × route × class); requests beyond are counted under the label value `_overflow`. Defaults to 1_000. */
    maxSeries?: number;
    /** Also expose Node's process metrics (CPU, memory, event-loop lag, GC). Defaults to false. */
    defaultMetrics?: boolean;
  };
}

/** Metrics an alert rule can watch. */
export type AlertMetric =
  | 'errorRate'
  | 'latencyP99'
  | 'healthScore'
  | 'breakerOpen'
  | 'shedRate'
  /** Days until the soonest-expiring upstream TLS certificate expires: `'<', N` fires when one expires within N days. */
  | 'certificateExpiryDays';

/** A threshold alert with duration and hysteresis. */
export interface AlertRuleConfig {
  name: string;
  metric: AlertMetric;
  /** Fire when the metric is above ('>') or below ('<') the threshold. */
  comparator: '>' | '<';
  threshold: number;
  /** For this long before firing, ms. Defaults to 0. */
  forMs?: number;
  /** Resolve only when the metric is this far back on the good side. Defaults to 0. */
  hysteresis?: number;
  /** Restrict to one cluster. */
  cluster?: string;
  severity?: 'info' | 'warning' | 'critical';
}

/** One route: what it matches and where it sends. */
export interface RouteConfig {
  id: string;
  match: {
    method?: string | string[];
    host?: string;
    /** A prefix (`/api/`) or a pattern with `:param` and `*` segments (`/users/:id`). */
    path?: string;
    headers?: Record<string, string>;
  };
  /** Target cluster, or several: the best by measured latency and errors wins, with hysteresis. */
  cluster: string | string[];
  policy?: {
    timeoutMs?: number;
    retries?: number;
    /** Time limit of each attempt, ms (under the overall `timeoutMs`): a slower attempt is cut, charged to its endpoint and retried elsewhere. Defaults to none. */
    perTryTimeoutMs?: number;
    /** Response statuses retried besides upstream failures and overloads (Envoy's retriable status codes), e.g. `[409]`. Defaults to none. */
    retryOn?: number[];
    /**
     * Hedging of idempotent requests: when the first attempt has not answered after the delay, a
     * backup goes to another endpoint (up to `maxExtra`, one more each delay, within the hedge
     * budget of 5 % of requests + 1/s); the first answer wins and the others are cancelled.
     * Defaults to none (off).
     */
    hedge?: {
      /** Fixed delay before a backup, ms. Defaults to the route's observed latency at `quantile`. */
      delayMs?: number;
      /** Latency quantile of the route's answers used as the delay, 0..1 (after 20 answers). Defaults to 0.95. */
      quantile?: number;
      /** Backups at most per request. Defaults to 1. */
      maxExtra?: number;
    };
    qosClass?: string;
    compression?: 'none' | 'gzip' | 'br';
    /** Token bucket for this route: requests per second and burst. */
    rateLimit?: { ratePerSec: number; burst: number };
  };
}

/** A QoS class. */
export interface QosClassConfig {
  name: string;
  /** Strict priority: lower is served first; classes of equal priority share by weight. */
  priority: number;
  /** Share among classes of equal priority. Defaults to 1. */
  weight?: number;
  /** Max queued requests. Defaults to 1_000. */
  maxQueue?: number;
  /** Max wait in the queue, ms. Defaults to 5_000 ms. */
  queueTimeoutMs?: number;
  /** Shed order under overload: lower is shed first. */
  shedOrder?: number;
  /**
   * Share of a cluster's concurrency limit this class may hold in flight at once, 0 < share ≤ 1
   * (at least one request): the rest stays free for other classes, so a higher class finds a
   * slot at once instead of waiting for this class's requests to end. Defaults to 1 (no cap).
   */
  maxInflightShare?: number;
  rateLimit?: { ratePerSec: number; burst: number };
}

/** Settings of adaptive routing and QoS. */
export interface AdvancedRoutingConfig {
  routes?: RouteConfig[];
  classes?: QosClassConfig[];
  /** Class of requests that name none and whose route names none; must be one of the classes. Defaults to 'standard'. */
  defaultClass?: string;
  adaptiveConcurrency?: {
    /** Defaults to true. */
    enabled?: boolean;
    /** Defaults to 20. */
    initialLimit?: number;
    /** Defaults to 1. */
    minLimit?: number;
    /** Defaults to 1_000. */
    maxLimit?: number;
    /** Weight of a new limit estimate against the current limit (up and down), 0..1. Defaults to 0.2. */
    smoothing?: number;
    /** Queueing tolerated: the limit shrinks when RTT exceeds this × the no-load RTT. Defaults to 1.5. */
    rttTolerance?: number;
    /** Re-measure the no-load RTT with a brief low-limit probe this often, ms. Defaults to 30_000 ms. */
    probeIntervalMs?: number;
    /**
     * Once latency has risen with load, the longest estimated queue wait a request that finds no free slot is
     * given, in no-load RTTs (at least 20 ms unless 0); one that would wait longer is shed at once with
     * `OverloadedError` (0: every one). Defaults to 0.5.
     */
    maxQueueWaitRtts?: number;
  };
}

/** A bounded measurement run. */
export interface NetworkBenchmarkOptions {
  /** Route or URL to measure; the agent's configured workload path when omitted. */
  target?: string;
  /** Requests per phase. Defaults to the agent's workload (200). */
  requests?: number;
  /** Concurrent requests. Defaults to the agent's workload (16). */
  concurrency?: number;
  /** Hard cap per phase, ms. Defaults to the agent's workload (10_000 ms). */
  maxDurationMs?: number;
}
