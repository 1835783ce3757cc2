import type { ConfigIssue, EventBus } from '@slipstream/contracts';
import type { ValidatedSystemConfig } from './validateSystemConfig';

/** One bus command a reload sends, and the one that restores what it changed. */
export interface ReloadStep {
  /** The config path it applies, e.g. `network.routes` or `network.clusters[1]`. */
  path: string;
  apply(bus: EventBus): Promise<unknown>;
  /** Restores the previous value; absent when there was none to restore (a new cluster). */
  undo?(bus: EventBus): Promise<unknown>;
}

/** What a reload would do: the steps, or why it cannot be done without a restart. */
export interface ReloadPlan {
  steps: ReloadStep[];
  /** Changes a running system cannot take (core sections, removed sections, the workload, the agents). */
  restartNeeded: ConfigIssue[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const TIMEOUT = { timeoutMs: 10_000 };

/** The sections each carried by one `network.*.configure` command. */
const SECTIONS = [
  ['pool', 'network.pooling.configure'],
  ['batching', 'network.batching.configure'],
  ['breaker', 'network.breaker.configure'],
  ['monitoring', 'network.monitoring.configure'],
] as const;

/**
 * Compares the config in force with a new one and plans the bus commands that take the system
 * from one to the other: `network.balancing.configure` per changed or new cluster (unchanged
 * clusters keep their endpoints' health), `network.routing.configure` when routes or classes
 * changed, and the pooling / batching / breaker / monitoring commands for changed sections.
 * Changes the running system cannot take are listed in `restartNeeded` instead.
 */
export function planReload(current: ValidatedSystemConfig, next: ValidatedSystemConfig): ReloadPlan {
  const restartNeeded: ConfigIssue[] = [];
  const needsRestart = (path: string, received: string): void =>
    void restartNeeded.push({ path, expected: 'the value in force (this change needs a restart)', received });
  for (const key of new Set([...Object.keys(current.core), ...Object.keys(next.core)])) {
    if (key !== 'nodeId' && !same(current.core[key], next.core[key]))
      needsRestart(key, JSON.stringify(next.core[key]));
  }
  if (!same(current.agents, next.agents)) needsRestart('agents', JSON.stringify(next.agents));
  const was = current.network;
  const now = next.network;
  if (!same(was.workload, now.workload)) needsRestart('network.workload', JSON.stringify(now.workload));
  const steps: ReloadStep[] = [];
  for (const cluster of was.clusters) {
    if (!now.clusters.some((c) => c.cluster === cluster.cluster)) {
      needsRestart(`network.clusters`, `no cluster "${cluster.cluster}" (removing one)`);
    }
  }
  for (const [i, cluster] of now.clusters.entries()) {
    const before = was.clusters.find((c) => c.cluster === cluster.cluster);
    if (same(before, cluster)) continue;
    steps.push({
      path: `network.clusters[${i}]`,
      apply: (bus) => bus.request('network.balancing.configure', cluster, TIMEOUT),
      ...(before === undefined
        ? {}
        : { undo: (bus: EventBus) => bus.request('network.balancing.configure', before, TIMEOUT) }),
    });
  }
  if (!same(was.routes, now.routes) || !same(was.classes, now.classes)) {
    const routing = (c: ValidatedSystemConfig['network']) => ({
      routes: c.routes ?? [],
      ...(c.classes === undefined ? {} : { classes: c.classes }),
    });
    if (was.classes !== undefined && now.classes === undefined) needsRestart('network.classes', 'undefined');
    steps.push({
      path: 'network.routes',
      apply: (bus) => bus.request('network.routing.configure', routing(now), TIMEOUT),
      undo: (bus) => bus.request('network.routing.configure', routing(was), TIMEOUT),
    });
  }
  for (const [section, topic] of SECTIONS) {
    const before = was[section];
    const after = now[section];
    if (same(before, after)) continue;
    if (after === undefined) {
      needsRestart(`network.${section}`, 'undefined (removing a section)');
      continue;
    }
    steps.push({
      path: `network.${section}`,
      apply: (bus) => bus.request(topic, after, TIMEOUT),
      ...(before === undefined ? {} : { undo: (bus: EventBus) => bus.request(topic, before, TIMEOUT) }),
    });
  }
  return { steps, restartNeeded };
}
