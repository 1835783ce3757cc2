import { inject, injectable, optional } from 'inversify';
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { OUTCOME_KINDS, TOKENS } from '@slipstream/contracts';
import type { MetricsRegistry } from '../registry/MetricsRegistry';
import { MONITOR_TOKENS } from '../tokens';
import { LATENCY_BUCKETS_MS } from './LATENCY_BUCKETS_MS';
import type { RequestMetrics } from './RequestMetrics';

/** Options of the `PrometheusExporter`. */
export interface PrometheusExporterOptions {
  /** Also expose Node's default process metrics (CPU, memory, event loop lag, GC; prom-client's, less three `_total` gauges that duplicate unsuffixed ones). Defaults to false. */
  defaultMetrics?: boolean;
}

/** The `cluster` label of a breaker whose calls named no cluster. */
const NO_CLUSTER = '(none)';
/** `le` label values of the histogram buckets, seconds, then `+Inf`. */
const LE = [...LATENCY_BUCKETS_MS.map((ms) => String(ms / 1_000)), '+Inf'];
/** prom-client default metrics that are gauges with a `_total` name (each has an unsuffixed twin). */
const LINTED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];
const BREAKER_STATES = ['closed', 'open', 'halfOpen'] as const;

/** One sample of a metric built at scrape time, as prom-client's registry prints it. */
interface SampleValue {
  metricName: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * The Prometheus view of the monitor: a private prom-client `Registry` read at scrape time.
 * From `RequestMetrics` (fed as a `RequestObserver`): the request-latency histogram
 * `slipstream_request_duration_seconds` per cluster, route, endpoint and outcome kind (buckets:
 * `LATENCY_BUCKETS_MS`), requests started and finished by outcome kind, retries and hedges.
 * From the registry's sources: counters (sheds, ejections, breaker transitions and rejections,
 * bytes on the wire and decoded, connections created, batches) and gauges of current state only
 * (in flight, queued, pool connections, breaker state per cluster and endpoint, ejected,
 * healthy, concurrency limit). Derived figures (rates, ratios, percentiles, health) stay in
 * `/stats`. Optionally Node's default metrics.
 */
@injectable()
export class PrometheusExporter {
  /** The prom-client registry (not the global one). */
  readonly registry = new Registry();

  constructor(
    @inject(TOKENS.MetricsRegistry) private readonly metrics: MetricsRegistry,
    @inject(MONITOR_TOKENS.RequestMetrics) private readonly requests: RequestMetrics,
    @inject(MONITOR_TOKENS.PrometheusExporterOptions) @optional() options: PrometheusExporterOptions = {},
  ) {
    this.defineRequestMetrics();
    this.defineSourceMetrics();
    if (options.defaultMetrics === true) {
      collectDefaultMetrics({ register: this.registry });
      // Gauges named `_total` fail `promtool check metrics`; their unsuffixed twins stay.
      for (const twin of LINTED_DEFAULT_METRICS) this.registry.removeSingleMetric(twin);
    }
  }

  /** The exposition content type. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric now. */
  expose(): Promise<string> {
    return this.registry.metrics();
  }

  private counter<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (c: Counter<L>) => void,
  ): void {
    new Counter<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect(this: Counter<L>) {
        this.reset();
        fill(this);
      },
    });
  }

  private gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (g: Gauge<L>) => void,
  ): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect(this: Gauge<L>) {
        this.reset();
        fill(this);
      },
    });
  }

  private defineRequestMetrics(): void {
    const requests = this.requests;
    const name = 'slipstream_request_duration_seconds';
    const help =
      'Request latency from entering the pipeline to completion, seconds, by cluster, route, endpoint and outcome kind.';
    // prom-client's Histogram cannot be set from counts kept elsewhere; the registry prints any
    // metric object whose get() returns name, help, type and values.
    const histogram = {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: () => {
        const values: SampleValue[] = [];
        for (const s of requests.latency.all()) {
          OUTCOME_KINDS.forEach((outcome, o) => {
            const count = s.count[o]!;
            if (count === 0) return;
            const labels = { cluster: s.cluster, route: s.route, endpoint: s.endpoint, outcome };
            let cumulative = 0;
            LE.forEach((le, b) => {
              cumulative += s.buckets[o * LE.length + b]!;
              values.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative });
            });
            values.push({ metricName: `${name}_sum`, labels, value: s.sumMs[o]! / 1_000 });
            values.push({ metricName: `${name}_count`, labels, value: count });
          });
        }
        return { name, help, type: 'histogram', aggregator: 'sum', values };
      },
    };
    this.registry.registerMetric(histogram as unknown as Metric);

    this.counter(
      'slipstream_requests_total',
      'Requests that entered the pipeline, by cluster, route and QoS class.',
      ['cluster', 'route', 'class'],
      (c) => {
        for (const s of requests.classes.all())
          c.inc({ cluster: s.cluster, route: s.route, class: s.qosClass }, s.started);
      },
    );
    this.counter(
      'slipstream_request_outcomes_total',
      'Finished requests by outcome kind, cluster, route and QoS class.',
      ['cluster', 'route', 'class', 'outcome'],
      (c) => {
        for (const s of requests.classes.all()) {
          OUTCOME_KINDS.forEach((outcome, o) =>
            c.inc({ cluster: s.cluster, route: s.route, class: s.qosClass, outcome }, s.outcomes[o]),
          );
        }
      },
    );
    this.counter('slipstream_retries_total', 'Retry attempts sent, by cluster.', ['cluster'], (c) => {
      for (const [cluster, a] of requests.attempts) c.inc({ cluster }, a.retries);
    });
    this.counter('slipstream_hedges_total', 'Hedged attempts sent, by cluster.', ['cluster'], (c) => {
      for (const [cluster, a] of requests.attempts) c.inc({ cluster }, a.hedges);
    });
  }

  private defineSourceMetrics(): void {
    const metrics = this.metrics;
    const endpoints = (
      fn: (cluster: string, e: ReturnType<MetricsRegistry['clusters']>[number]['endpoints'][number]) => void,
    ) => {
      for (const c of metrics.clusters()) for (const e of c.endpoints) fn(c.cluster, e);
    };
    const classes = () => Object.entries(metrics.routing()?.classes ?? {});

    this.gauge(
      'slipstream_inflight_requests',
      'Requests on the wire now, by cluster and endpoint.',
      ['cluster', 'endpoint'],
      (g) => endpoints((cluster, e) => g.set({ cluster, endpoint: e.origin }, e.inflight)),
    );
    this.gauge(
      'slipstream_endpoint_ejected',
      'Whether outlier detection has ejected the endpoint now (1) or not (0).',
      ['cluster', 'endpoint'],
      (g) => endpoints((cluster, e) => g.set({ cluster, endpoint: e.origin }, e.ejected ? 1 : 0)),
    );
    this.gauge(
      'slipstream_endpoint_healthy',
      'Whether the active health check passes now (1) or not (0).',
      ['cluster', 'endpoint'],
      (g) => endpoints((cluster, e) => g.set({ cluster, endpoint: e.origin }, e.healthy ? 1 : 0)),
    );
    this.counter(
      'slipstream_endpoint_ejections_total',
      'Times outlier detection ejected the endpoint.',
      ['cluster', 'endpoint'],
      (c) => endpoints((cluster, e) => c.inc({ cluster, endpoint: e.origin }, e.ejections ?? 0)),
    );
    this.gauge(
      'slipstream_breaker_state',
      'Circuit state per cluster and endpoint (1 for the current state, 0 for the others).',
      ['cluster', 'endpoint', 'state'],
      (g) => {
        for (const b of metrics.breakers()) {
          const cluster = b.cluster ?? NO_CLUSTER;
          for (const state of BREAKER_STATES)
            g.set({ cluster, endpoint: b.endpoint, state }, b.state === state ? 1 : 0);
        }
      },
    );
    this.counter(
      'slipstream_breaker_transitions_total',
      'Circuit state changes per cluster and endpoint, by the state entered.',
      ['cluster', 'endpoint', 'to'],
      (c) => {
        for (const b of metrics.breakers()) {
          const labels = { cluster: b.cluster ?? NO_CLUSTER, endpoint: b.endpoint };
          c.inc({ ...labels, to: 'open' }, b.opens);
          c.inc({ ...labels, to: 'halfOpen' }, b.halfOpens);
          c.inc({ ...labels, to: 'closed' }, b.closes);
        }
      },
    );
    this.counter(
      'slipstream_breaker_rejections_total',
      'Calls refused by an open circuit, per cluster and endpoint.',
      ['cluster', 'endpoint'],
      (c) => {
        for (const b of metrics.breakers())
          c.inc({ cluster: b.cluster ?? NO_CLUSTER, endpoint: b.endpoint }, b.rejects);
      },
    );
    this.gauge(
      'slipstream_concurrency_limit',
      'Adaptive concurrency limit per cluster now.',
      ['cluster'],
      (g) => {
        for (const [cluster, limit] of Object.entries(metrics.routing()?.concurrencyLimits ?? {}))
          g.set({ cluster }, limit);
      },
    );
    this.gauge(
      'slipstream_qos_queued_requests',
      'Requests waiting for admission per QoS class now.',
      ['class'],
      (g) => {
        for (const [name, c] of classes()) g.set({ class: name }, c.queued);
      },
    );
    this.counter('slipstream_qos_admitted_total', 'Requests admitted per QoS class.', ['class'], (c) => {
      for (const [name, cls] of classes()) c.inc({ class: name }, cls.admitted);
    });
    this.counter(
      'slipstream_qos_shed_total',
      'Requests shed per QoS class (refused, rate limited or timed out in the queue).',
      ['class'],
      (c) => {
        for (const [name, cls] of classes()) c.inc({ class: name }, cls.shed);
      },
    );
    this.gauge('slipstream_pool_connections_open', 'Connections open per origin now.', ['origin'], (g) => {
      for (const p of metrics.pools()) g.set({ origin: p.origin }, p.connectionsOpen);
    });
    this.counter(
      'slipstream_pool_connections_created_total',
      'Connections opened per origin.',
      ['origin'],
      (c) => {
        for (const p of metrics.pools()) c.inc({ origin: p.origin }, p.connectionsCreated);
      },
    );
    this.gauge(
      'slipstream_pool_requests',
      'Requests per origin now, by state (queued in the bounded queue, pending in undici, running on the wire).',
      ['origin', 'state'],
      (g) => {
        for (const p of metrics.pools()) {
          g.set({ origin: p.origin, state: 'queued' }, p.queued);
          g.set({ origin: p.origin, state: 'pending' }, p.pending);
          g.set({ origin: p.origin, state: 'running' }, p.running);
        }
      },
    );
    this.gauge(
      'slipstream_pool_certificate_expiry_days',
      'Days until the TLS certificate each https origin presented last expires.',
      ['origin'],
      (g) => {
        for (const p of metrics.pools()) {
          if (p.certificateDaysLeft !== undefined) g.set({ origin: p.origin }, p.certificateDaysLeft);
        }
      },
    );
    this.counter(
      'slipstream_pool_bytes_total',
      'Body bytes per origin, by direction (out = request, in = response) and layer (wire = as sent or received, decoded = uncompressed).',
      ['origin', 'direction', 'layer'],
      (c) => {
        for (const p of metrics.pools()) {
          const origin = p.origin;
          c.inc({ origin, direction: 'out', layer: 'decoded' }, p.bytesOutLogical);
          c.inc({ origin, direction: 'out', layer: 'wire' }, p.bytesOutWire);
          c.inc({ origin, direction: 'in', layer: 'decoded' }, p.bytesInLogical);
          c.inc({ origin, direction: 'in', layer: 'wire' }, p.bytesInWire);
        }
      },
    );
    this.counter('slipstream_batches_total', 'JSON-RPC batches sent by the batcher.', [], (c) => {
      const batching = metrics.batching();
      if (batching) c.inc(batching.batchesSent);
    });
    this.counter('slipstream_batch_calls_total', 'JSON-RPC calls sent in batches.', [], (c) => {
      const batching = metrics.batching();
      if (batching) c.inc(batching.callsSent);
    });
    this.counter(
      'slipstream_metrics_collected_total',
      'Measurements recorded by the metrics registry: per request its count, latency, error (if any) and each byte figure.',
      [],
      (c) => c.inc(metrics.metricsCollected),
    );
  }
}
