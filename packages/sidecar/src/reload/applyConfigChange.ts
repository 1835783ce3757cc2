import type { NetworkPerformanceAgent } from '@slipstream/agent-network-performance';
import { isDeepStrictEqual } from 'node:util';
import type { SidecarConfig } from '../config/SidecarConfig';

/** What a reload changed. */
export interface ConfigChange {
  /** Sections of `network` reapplied through the agent (`routing`, `breaker`, `cluster:<name>`, ...). */
  applied: string[];
  /** Changed settings a reload cannot apply (listener, bus, removed clusters): they need a restart. */
  needsRestart: string[];
}

/**
 * Applies the difference between the config in force and `next` through the agent's own
 * `implement*` paths (the handlers of the `network.*.configure` commands), each validated there:
 * clusters (new or changed), pools, batching, breakers, monitoring, then routes and classes (so
 * a route never points at a cluster not yet built). The proxy's Host check follows the client's
 * route table by itself (`NetworkClient.onRoutesChange`), as for a bus command.
 * Settings of the process itself (the `sidecar`, `fleet` and `agents` sections and core's) and removed clusters are
 * listed in `needsRestart`, not applied. A step that throws leaves the steps before it applied.
 */
export async function applyConfigChange(
  current: SidecarConfig,
  next: SidecarConfig,
  agent: NetworkPerformanceAgent,
): Promise<ConfigChange> {
  const applied: string[] = [];
  const needsRestart: string[] = [];
  const was = current.network;
  const now = next.network;
  const before = new Map(was.clusters.map((c) => [c.cluster, c]));
  for (const cluster of now.clusters) {
    if (isDeepStrictEqual(before.get(cluster.cluster), cluster)) continue;
    await agent.implementLoadBalancing(cluster);
    applied.push(`cluster:${cluster.cluster}`);
  }
  for (const name of before.keys()) {
    if (!now.clusters.some((c) => c.cluster === name))
      needsRestart.push(`network.clusters[${name}] (removed)`);
  }
  if (!isDeepStrictEqual(was.pool, now.pool)) {
    await agent.implementConnectionPooling(now.pool ?? {});
    applied.push('pool');
  }
  if (!isDeepStrictEqual(was.batching, now.batching)) {
    await agent.implementRequestBatching(now.batching ?? {});
    applied.push('batching');
  }
  if (!isDeepStrictEqual(was.breaker, now.breaker)) {
    await agent.implementCircuitBreaker(now.breaker ?? {});
    applied.push('breaker');
  }
  if (!isDeepStrictEqual(was.monitoring, now.monitoring)) {
    await agent.implementNetworkMonitoring(now.monitoring ?? {});
    applied.push('monitoring');
  }
  if (!isDeepStrictEqual(was.routes, now.routes) || !isDeepStrictEqual(was.classes, now.classes)) {
    await agent.implementAdvancedRouting({
      routes: now.routes ?? [],
      ...(now.classes ? { classes: now.classes } : {}),
    });
    applied.push('routing');
  }
  if (!isDeepStrictEqual(current.sidecar, next.sidecar)) needsRestart.push('sidecar');
  if (!isDeepStrictEqual(current.fleet, next.fleet)) needsRestart.push('fleet');
  if (!isDeepStrictEqual(current.agents, next.agents)) needsRestart.push('agents');
  for (const key of ['nodeId', 'bus', 'discovery', 'orchestrator', 'log'] as const) {
    if (!isDeepStrictEqual(current.core[key], next.core[key])) needsRestart.push(key);
  }
  return { applied, needsRestart };
}
