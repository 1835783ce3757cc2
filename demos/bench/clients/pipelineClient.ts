import type { BalancerAlgorithm, UpstreamConnectionConfig } from '@slipstream/contracts';
import { createNetworkClient, type NetworkClient } from '@slipstream/client';
import { MetricsRegistry, RequestMetrics, TracingObserver } from '@slipstream/monitor';

import { assertOk } from './assertOk';
import type { LoadClient } from './LoadClient';

/** Options of `pipelineClient`. */
export interface PipelineClientOptions {
  /** Pool connections per origin. Required. */
  connections: number;
  /**
   * Record every request in a `MetricsRegistry`, the Prometheus histograms (`RequestMetrics`) and
   * OpenTelemetry spans (`TracingObserver`, on the API alone: no SDK registered). Defaults to true.
   */
  monitoring?: boolean;
  /**
   * With `monitoring`, bind the `TracingObserver` too (false: only the registry and the histograms
   * observe requests, so no tracing call is made). Defaults to true.
   */
  tracing?: boolean;
  /** More endpoints of the same cluster besides the URL's origin. Defaults to none. */
  extraOrigins?: readonly string[];
  /** Load-balancing algorithm. Defaults to the client's ('p2c-peak-ewma'). */
  algorithm?: BalancerAlgorithm;
  /** Path of the active health check. Defaults to the balancer's ('/health'). */
  healthPath?: string;
  /**
   * Pin the cluster's concurrency limit at this many requests instead of the adaptive limit.
   * Defaults to none (adaptive: it starts at its default and shrinks when the shared machine's load
   * raises latency, so two clients in one run can drift to different limits).
   */
  fixedConcurrencyLimit?: number;
  /** The cluster's connection settings (TLS, protocol, lifetime limits). Defaults to none. */
  upstream?: UpstreamConnectionConfig;
}

/** A `LoadClient` that also exposes the `NetworkClient` it drives. */
export interface PipelineLoadClient extends LoadClient {
  readonly client: NetworkClient;
}

/** The cluster every benchmark pipeline sends to. */
const CLUSTER = 'bench';

/**
 * Slipstream's full pipeline: one route (matching every path) to one cluster, admission,
 * retry, balancer, breaker, pool and, with `monitoring`, the metrics registry, the Prometheus
 * histograms and (unless `tracing` is false) tracing.
 */
export function pipelineClient(url: URL, options: PipelineClientOptions): PipelineLoadClient {
  const monitoring = options.monitoring ?? true;
  const origins = [url.origin, ...(options.extraOrigins ?? [])];
  const client = createNetworkClient(
    {
      clusters: [
        {
          ...options.upstream,
          cluster: CLUSTER,
          endpoints: origins.map((origin) => ({ origin })),
          algorithm: options.algorithm,
          healthCheck: options.healthPath === undefined ? undefined : { path: options.healthPath },
        },
      ],
      routes: [{ id: CLUSTER, match: { path: '/' }, cluster: CLUSTER }],
      pool: { connections: options.connections },
      adaptiveConcurrency:
        options.fixedConcurrencyLimit === undefined
          ? undefined
          : { enabled: false, initialLimit: options.fixedConcurrencyLimit },
      monitoring,
    },
    monitoring
      ? {
          metrics: new MetricsRegistry(),
          observers:
            (options.tracing ?? true)
              ? [new TracingObserver(), new RequestMetrics()]
              : [new RequestMetrics()],
        }
      : {},
  );
  const request = { method: 'GET', path: url.pathname + url.search };
  return {
    client,
    async get() {
      const res = await client.request(request);
      assertOk(res.statusCode);
    },
    close: () => client.close(),
  };
}
