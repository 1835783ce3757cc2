import { createNetworkClient, type NetworkClient } from '@slipstream/client';
import type { AlertEvent } from '@slipstream/contracts';
import { AdminServer, AlertManager, MetricsRegistry, PrometheusExporter } from '@slipstream/monitor';
import { round } from '../runner/figures';
import { runLoad } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { EventLog } from './support/EventLog';
import { parsePrometheusText } from './support/parsePrometheusText';
import { scaled } from './support/workload';
import { waitUntil } from './support/waitUntil';

const RULE = 'demo-error-rate';
const WINDOW_MS = 3_000;
const ERROR_RATE = 0.5;
const THRESHOLD = 0.2;
const HYSTERESIS = 0.1;
const RECOVERY_TIMEOUT_MS = WINDOW_MS * 4;

/**
 * Scenario 7: traffic through a monitored pipeline; the endpoint then fails half of its
 * requests and recovers. The health score is read from the metrics registry in each phase,
 * the error-rate alert must fire and resolve exactly once (events on the bus), and the admin
 * server's `/metrics` must parse as Prometheus text.
 */
export const monitoring: Scenario = {
  id: 7,
  name: 'monitoring, alerts, /metrics',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const target = ctx.upstreams[0]!;
    const count = scaled(100, ctx.scale, 40);
    const registry = new MetricsRegistry({ windowMs: WINDOW_MS, windowSlots: 6, sloLatencyMs: 100 });
    const alerts = new AlertManager(registry, ctx.bus, ctx.logger, {
      rules: [
        { name: RULE, metric: 'errorRate', comparator: '>', threshold: THRESHOLD, hysteresis: HYSTERESIS },
      ],
    });
    const admin = new AdminServer(registry, new PrometheusExporter(registry));
    const client = createNetworkClient(
      {
        clusters: [{ cluster: 'monitored', endpoints: [{ origin: target.origin }] }],
        retry: { maxRetries: 0 },
        // The breaker stays closed here so every failure is the endpoint's own and shows in the error rate.
        breaker: { volumeThreshold: Number.MAX_SAFE_INTEGER },
      },
      { metrics: registry, bus: ctx.bus, logger: ctx.logger },
    );
    const log = new EventLog(ctx.bus, 'network.alert.*', (p) => (p as AlertEvent).rule === RULE);
    const adminUrl = await admin.start();
    try {
      ctx.progress(`  ${count} requests with the endpoint failing ${ERROR_RATE * 100} % of them`);
      await target.setBehaviour({ errorRate: ERROR_RATE });
      await traffic(ctx, client, count);
      alerts.evaluate();
      const baseline = phase(registry, alerts);
      ctx.progress(
        `  endpoint healed; healthy traffic until the alert resolves (≤ ${RECOVERY_TIMEOUT_MS} ms)`,
      );
      await target.setBehaviour({});
      await waitUntil(() => log.count('network.alert.resolved') > 0, {
        timeoutMs: RECOVERY_TIMEOUT_MS,
        intervalMs: 100,
        tick: async () => {
          await traffic(ctx, client, 10);
          alerts.evaluate();
        },
      });
      const optimized = phase(registry, alerts);
      const scrape = await fetch(`${adminUrl}/metrics`);
      const { samples, invalid } = parsePrometheusText(await scrape.text());
      optimized.metricsSamples = samples.length;
      optimized.metricsInvalidLines = invalid.length;
      const fired = log.count('network.alert.fired');
      const resolved = log.count('network.alert.resolved');
      const order = log.topics().join('→');
      const passed =
        fired === 1 &&
        resolved === 1 &&
        order === 'network.alert.fired→network.alert.resolved' &&
        scrape.status === 200 &&
        samples.length > 0 &&
        invalid.length === 0 &&
        optimized.healthScore > baseline.healthScore;
      return {
        baseline,
        optimized,
        change: { healthScore: round(optimized.healthScore - baseline.healthScore, 1) },
        passed,
        property:
          `alert fired ${fired}× then resolved ${resolved}×; health ${baseline.healthScore} while failing → ` +
          `${optimized.healthScore} recovered; /metrics answered ${scrape.status} with ${samples.length} samples, ` +
          `${invalid.length} invalid lines`,
      };
    } finally {
      log.close();
      await target.setBehaviour({});
      await client.close();
      await admin.close();
      registry.close();
    }
  },
};

interface MonitoringFigures extends Figures {
  healthScore: number;
  errorRate: number;
  alertsFiring: number;
  metricsCollected: number;
}

function phase(registry: MetricsRegistry, alerts: AlertManager): MonitoringFigures {
  const health = registry.health();
  const totals = registry.windowTotals();
  return {
    healthScore: round(health.score, 1),
    errorRate: round(totals.requests > 0 ? totals.errors / totals.requests : 0, 3),
    alertsFiring: alerts.firing().length,
    metricsCollected: registry.metricsCollected,
  };
}

async function traffic(ctx: ScenarioContext, client: NetworkClient, count: number): Promise<void> {
  await runLoad({ count, concurrency: 4, signal: ctx.signal }, () =>
    client.request({ path: '/monitored', cluster: 'monitored' }),
  );
}
