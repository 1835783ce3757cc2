import { inject, injectable } from 'inversify';
import { Counter, Gauge, Registry } from 'prom-client';
import { TOKENS } from '@slipstream/contracts';
import { ERROR_KINDS } from '../registry/ErrorKind';
import type { MetricsRegistry } from '../registry/MetricsRegistry';
import type { RequestSeries } from '../registry/RequestSeries';

const SERIES_LABELS = ['cluster', 'endpoint', 'route', 'class'] as const;
/** Quantiles exported per series, from its since-start histogram. */
const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;
/** The `cluster` label value of figures over all traffic. */
const OVERALL = '_all';

function seriesLabels(series: RequestSeries): Record<(typeof SERIES_LABELS)[number], string> {
  const { cluster, endpoint, route, qosClass } = series.labels;
  return { cluster, endpoint, route, class: qosClass };
}

/**
 * The Prometheus view of a `MetricsRegistry`: a private prom-client `Registry` whose
 * collectors read the metrics registry at scrape time, so the record path never touches
 * prom-client.
 */
@injectable()
export class PrometheusExporter {
  /** The prom-client registry (not the global one). */
  readonly registry = new Registry();

  constructor(@inject(TOKENS.MetricsRegistry) private readonly metrics: MetricsRegistry) {
    this.define();
  }

  /** The exposition content type. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric now. */
  expose(): Promise<string> {
    return this.registry.metrics();
  }

  private define(): void {
    const metrics = this.metrics;
    const registers = [this.registry];
    const counter = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      fill: (c: Counter<L>) => void,
    ): void => {
      new Counter<L>({
        name,
        help,
        labelNames,
        registers,
        collect(this: Counter<L>) {
          this.reset();
          fill(this);
        },
      });
    };
    const gauge = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      fill: (g: Gauge<L>) => void,
    ): void => {
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        collect(this: Gauge<L>) {
          this.reset();
          fill(this);
        },
      });
    };

    counter(
      'slipstream_requests_total',
      'Requests completed, by outcome.',
      [...SERIES_LABELS, 'outcome'],
      (c) => {
        for (const s of metrics.allSeries()) {
          const errors = s.errorCount;
          c.inc({ ...seriesLabels(s), outcome: 'success' }, s.requests - errors);
          c.inc({ ...seriesLabels(s), outcome: 'error' }, errors);
        }
      },
    );
    counter(
      'slipstream_request_errors_total',
      'Failed requests, by kind.',
      [...SERIES_LABELS, 'kind'],
      (c) => {
        for (const s of metrics.allSeries()) {
          ERROR_KINDS.forEach((kind, i) => c.inc({ ...seriesLabels(s), kind }, s.errors[i]));
        }
      },
    );
    gauge(
      'slipstream_request_duration_seconds',
      'Request latency quantiles since start, seconds (log-linear histogram, ≤ 0.4 % error).',
      [...SERIES_LABELS, 'quantile'],
      (g) => {
        for (const s of metrics.allSeries()) {
          for (const q of QUANTILES) {
            g.set({ ...seriesLabels(s), quantile: String(q) }, s.latency.percentile(q * 100) / 1_000);
          }
        }
      },
    );
    counter(
      'slipstream_bytes_total',
      'Body bytes, by direction (out = request, in = response) and layer (logical = uncompressed, wire = as sent).',
      [...SERIES_LABELS, 'direction', 'layer'],
      (c) => {
        for (const s of metrics.allSeries()) {
          const l = seriesLabels(s);
          c.inc({ ...l, direction: 'out', layer: 'logical' }, s.bytesOutLogical);
          c.inc({ ...l, direction: 'out', layer: 'wire' }, s.bytesOutWire);
          c.inc({ ...l, direction: 'in', layer: 'logical' }, s.bytesInLogical);
          c.inc({ ...l, direction: 'in', layer: 'wire' }, s.bytesInWire);
        }
      },
    );
    const perCluster = (fn: (cluster: string | undefined, label: string) => void): void => {
      fn(undefined, OVERALL);
      for (const name of metrics.clusterNames()) fn(name, name);
    };
    gauge('slipstream_throughput_rps', 'Requests per second over the sliding window.', ['cluster'], (g) =>
      perCluster((c, cluster) => g.set({ cluster }, metrics.performance(c).throughput)),
    );
    gauge('slipstream_error_ratio', 'Failed ÷ requests over the sliding window.', ['cluster'], (g) =>
      perCluster((c, cluster) => g.set({ cluster }, metrics.performance(c).errorRate)),
    );
    gauge('slipstream_health_score', 'Health score 0..100 (cluster="_all": overall).', ['cluster'], (g) =>
      perCluster((c, cluster) => g.set({ cluster }, metrics.health(c).score)),
    );
    gauge('slipstream_pool_connections_open', 'Connections open per origin.', ['origin'], (g) => {
      for (const p of metrics.pools()) g.set({ origin: p.origin }, p.connectionsOpen);
    });
    counter(
      'slipstream_pool_connections_created_total',
      'Connections opened per origin.',
      ['origin'],
      (c) => {
        for (const p of metrics.pools()) c.inc({ origin: p.origin }, p.connectionsCreated);
      },
    );
    gauge(
      'slipstream_pool_reuse_ratio',
      '1 − connections created ÷ requests, per origin.',
      ['origin'],
      (g) => {
        for (const p of metrics.pools()) g.set({ origin: p.origin }, p.reuseRate);
      },
    );
    gauge(
      'slipstream_pool_connect_time_seconds',
      'TCP/TLS connect time per origin, seconds.',
      ['origin', 'stat'],
      (g) => {
        for (const p of metrics.pools()) {
          g.set({ origin: p.origin, stat: 'mean' }, p.connectTimeMeanMs / 1_000);
          g.set({ origin: p.origin, stat: 'p99' }, p.connectTimeP99Ms / 1_000);
        }
      },
    );
    gauge(
      'slipstream_pool_certificate_expiry_days',
      'Days until the TLS certificate each https origin presented last expires.',
      ['origin'],
      (g) => {
        for (const p of metrics.pools()) {
          if (p.certificateDaysLeft !== undefined) g.set({ origin: p.origin }, p.certificateDaysLeft);
        }
      },
    );
    gauge('slipstream_pool_queue_depth', 'Requests waiting per origin.', ['origin', 'queue'], (g) => {
      for (const p of metrics.pools()) {
        g.set({ origin: p.origin, queue: 'queued' }, p.queued);
        g.set({ origin: p.origin, queue: 'pending' }, p.pending);
        g.set({ origin: p.origin, queue: 'running' }, p.running);
      }
    });
    gauge(
      'slipstream_breaker_state',
      'Circuit state per endpoint (1 for the current state).',
      ['endpoint', 'state'],
      (g) => {
        for (const b of metrics.breakers()) {
          for (const state of ['closed', 'open', 'halfOpen'] as const) {
            g.set({ endpoint: b.endpoint, state }, b.state === state ? 1 : 0);
          }
        }
      },
    );
    gauge(
      'slipstream_endpoint_ejected',
      'Whether an endpoint is ejected (1) or not (0).',
      ['cluster', 'endpoint'],
      (g) => {
        for (const c of metrics.clusters()) {
          for (const e of c.endpoints) g.set({ cluster: c.cluster, endpoint: e.origin }, e.ejected ? 1 : 0);
        }
      },
    );
    gauge('slipstream_qos_queue_depth', 'Requests queued per QoS class.', ['class'], (g) => {
      for (const [name, c] of Object.entries(metrics.routing()?.classes ?? {}))
        g.set({ class: name }, c.queued);
    });
    counter('slipstream_qos_shed_total', 'Requests shed per QoS class.', ['class'], (c) => {
      for (const [name, cls] of Object.entries(metrics.routing()?.classes ?? {}))
        c.inc({ class: name }, cls.shed);
    });
    counter('slipstream_batches_total', 'Batches sent by the batcher.', [], (c) => {
      const batching = metrics.batching();
      if (batching) c.inc(batching.batchesSent);
    });
    gauge('slipstream_batch_size_mean', 'Calls per batch, mean.', [], (g) => {
      const batching = metrics.batching();
      if (batching) g.set(batching.meanBatchSize);
    });
    counter(
      'slipstream_metrics_collected_total',
      'Measurements recorded: per request its count, latency, error (if any) and each byte figure.',
      [],
      (c) => c.inc(metrics.metricsCollected),
    );
  }
}
