import {
  BusTimeoutError,
  MalformedResponseError,
  type AlertEvent,
  type NetworkMetricsSnapshot,
} from '@slipstream/contracts';
import { MONITORING_WINDOW_MS } from '../environment/slipstreamAgents';
import { round } from '../runner/figures';
import { runLoad } from '../runner/runLoad';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { EventLog } from './support/EventLog';
import { parsePrometheusText } from './support/parsePrometheusText';
import { TaskTracker } from './support/TaskTracker';
import { scaled } from './support/workload';
import { waitUntil } from './support/waitUntil';
import { withBreakerSettings } from './support/withBreakerSettings';

const CLUSTER = 'monitored';
const RULE = 'demo-error-rate';
const ERROR_RATE = 0.2;
const THRESHOLD = 0.1;
const HYSTERESIS = 0.05;
const SNAPSHOT_INTERVAL_MS = 250;
const RECOVERY_TIMEOUT_MS = MONITORING_WINDOW_MS * 4;
const TASK_TIMEOUT_MS = 15_000;
const CONCURRENCY = 4;
/** The breakers stay closed here, so every failure is the endpoint's own and shows in the error rate. */
const BREAKER_OFF = { volumeThreshold: Number.MAX_SAFE_INTEGER };

/**
 * Scenario 7: the sidecar's monitoring, set with `network.monitoring.configure` (an error-rate
 * alert on one cluster, snapshots every 250 ms, the admin server on). Sarah's tasks reach an
 * endpoint that fails a fifth of its requests, then recovers. The cluster's health score comes
 * from `network.metrics.snapshot` (0–100: 2 points per percentage point of errors, times the
 * latency and saturation factors) and must grade the failing window — above 0, below the healed
 * window's — where a near-binary score would put a fifth of requests failing at about 0; the alert must fire and resolve exactly once on the bus; the admin
 * server's `/metrics` must parse as Prometheus text. Switched off, no alert rule is set.
 */
export const monitoring: Scenario = {
  id: 7,
  name: 'monitoring, alerts, /metrics',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const target = ctx.upstreams[2]!;
    const count = scaled(100, ctx.scale, 40);
    const inForce = (await ctx.bus.request('network.monitoring.configure', {})).applied;
    await ctx.bus.request('network.balancing.configure', {
      cluster: CLUSTER,
      endpoints: [{ origin: target.origin }],
    });
    const alerts = new EventLog(ctx.bus, 'network.alert.*', (p) => (p as AlertEvent).rule === RULE);
    let snapshot: NetworkMetricsSnapshot | undefined;
    const dispose = ctx.bus.subscribe('network.metrics.snapshot', (s) => void (snapshot = s));
    const tracker = new TaskTracker(ctx.bus);
    /** The first snapshot taken at or after `since` (ms since the epoch). */
    const freshSnapshot = async (since: number): Promise<NetworkMetricsSnapshot> => {
      const fresh = (): boolean => snapshot !== undefined && snapshot.timestamp >= since;
      if (!(await waitUntil(fresh, { timeoutMs: SNAPSHOT_INTERVAL_MS * 20 }))) {
        throw new BusTimeoutError('network.metrics.snapshot', SNAPSHOT_INTERVAL_MS * 20);
      }
      return snapshot!;
    };
    let sent = 0;
    const task = (): Promise<unknown> =>
      tracker.submit(
        {
          taskId: `monitored-${sent}`,
          kind: 'aggregate',
          params: { gets: [`/monitored/${sent++}`], cluster: CLUSTER },
        },
        TASK_TIMEOUT_MS,
      );
    try {
      const rule = {
        name: RULE,
        metric: 'errorRate' as const,
        comparator: '>' as const,
        threshold: THRESHOLD,
        hysteresis: HYSTERESIS,
        cluster: CLUSTER,
      };
      const alerting = ctx.featureOff !== true;
      const { adminUrl } = await ctx.bus.request('network.monitoring.configure', {
        alertRules: [...(inForce.alertRules ?? []), ...(alerting ? [rule] : [])],
        snapshotIntervalMs: SNAPSHOT_INTERVAL_MS,
        admin: { enabled: true, port: 0 },
      });
      ctx.progress(`  ${count} Sarah tasks with the endpoint failing ${ERROR_RATE * 100} % of requests`);
      return await withBreakerSettings(ctx.bus, BREAKER_OFF, async () => {
        await target.setBehaviour({ errorRate: ERROR_RATE });
        await runLoad({ count, concurrency: CONCURRENCY, signal: ctx.signal }, task);
        if (alerting) {
          await waitUntil(() => alerts.count('network.alert.fired') > 0, {
            timeoutMs: 5_000,
            intervalMs: 50,
          });
        }
        const baseline = phase(await freshSnapshot(Date.now()), alerts);
        ctx.progress(
          `  endpoint healed; healthy tasks until the alert resolves (≤ ${RECOVERY_TIMEOUT_MS} ms)`,
        );
        await target.setBehaviour({});
        const healthyTasks = {
          timeoutMs: RECOVERY_TIMEOUT_MS,
          intervalMs: 100,
          tick: () => runLoad({ count: CONCURRENCY, concurrency: CONCURRENCY, signal: ctx.signal }, task),
        };
        if (alerting) await waitUntil(() => alerts.count('network.alert.resolved') > 0, healthyTasks);
        // The recovered figures are read once the rolling window no longer holds any failure, so the
        // health score compares a failing window with a healed one, not with a half-rolled one.
        const since = Date.now();
        await waitUntil(
          () =>
            snapshot !== undefined &&
            snapshot.timestamp >= since &&
            snapshot.clusters[CLUSTER]?.metrics.errorRate === 0,
          healthyTasks,
        );
        const optimized = phase(await freshSnapshot(Date.now()), alerts);
        const scrape = await fetch(`${adminUrl ?? 'http://127.0.0.1:0'}/metrics`);
        const { samples, invalid } = parsePrometheusText(await scrape.text());
        optimized.metricsSamples = samples.length;
        optimized.metricsInvalidLines = invalid.length;
        const fired = alerts.count('network.alert.fired');
        const resolved = alerts.count('network.alert.resolved');
        const passed =
          fired === 1 &&
          resolved === 1 &&
          alerts.topics().join('→') === 'network.alert.fired→network.alert.resolved' &&
          scrape.status === 200 &&
          samples.length > 0 &&
          invalid.length === 0 &&
          optimized.errorRate === 0 &&
          baseline.healthScore > 0 &&
          baseline.healthScore < optimized.healthScore;
        return {
          baseline,
          optimized,
          change: { healthScore: round(optimized.healthScore - baseline.healthScore, 1) },
          passed,
          property:
            `alert fired ${fired}× then resolved ${resolved}×; cluster health ${baseline.healthScore} (0–100; p99 ${baseline.p99Ms} ms ` +
            `of ${baseline.sloMs} ms, saturation ${baseline.saturation}) at window error rate ${baseline.errorRate} → ` +
            `${optimized.healthScore} recovered (window error rate ${optimized.errorRate}); /metrics answered ${scrape.status} with ${samples.length} samples, ` +
            `${invalid.length} invalid lines`,
        };
      });
    } finally {
      dispose();
      alerts.close();
      tracker.close();
      await target.setBehaviour({});
      await ctx.bus.request('network.monitoring.configure', {
        alertRules: inForce.alertRules ?? [],
        snapshotIntervalMs: inForce.snapshotIntervalMs ?? 0,
        admin: { enabled: inForce.admin?.enabled ?? false },
      });
    }
  },
};

interface MonitoringFigures extends Figures {
  healthScore: number;
  /** The score's other inputs (`HealthScore`): p99 against the objective, saturation. */
  p99Ms: number;
  sloMs: number;
  saturation: number;
  errorRate: number;
  alertsFired: number;
  metricsCollected: number;
}

function phase(snapshot: NetworkMetricsSnapshot, alerts: EventLog): MonitoringFigures {
  const cluster = snapshot.clusters[CLUSTER];
  if (!cluster) throw new MalformedResponseError(`the metrics snapshot has no cluster "${CLUSTER}"`);
  return {
    healthScore: round(cluster.health.score, 1),
    p99Ms: round(cluster.health.latencyP99Ms, 1),
    sloMs: cluster.health.sloLatencyMs,
    saturation: round(cluster.health.saturation, 3),
    errorRate: round(cluster.metrics.errorRate, 3),
    alertsFired: alerts.count('network.alert.fired'),
    metricsCollected: snapshot.metricsCollected,
  };
}
