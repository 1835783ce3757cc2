import { clientModule } from '@slipstream/client';
import { httpModule } from '@slipstream/http';
import { createMonitorModule, monitorOptionsFromConfig } from '@slipstream/monitor';
import { ContainerModule } from 'inversify';
import type { NetworkPerformanceAgent } from './NetworkPerformanceAgent';
import { NETWORK_PERFORMANCE_OPTIONS } from './NETWORK_PERFORMANCE_OPTIONS';

/**
 * The container modules of the network sidecar, built from the agent's validated options:
 * the http module (`TOKENS.PoolManager`), the monitor module (`TOKENS.MetricsRegistry`,
 * `TOKENS.AlertManager`, `TOKENS.AdminServer`, the snapshot publisher), the client module
 * (`TOKENS.NetworkClient`, the only way agents reach the network: `request`, `call` for batched
 * JSON-RPC, `stream` for responses read as they arrive, with the components it resolves) and
 * the agent's options. The owning packages' modules are reused
 * rather than their bindings copied, hence a list: an inversify 7 module cannot load others.
 * The snapshot publisher is built off; the agent sets its period and starts it in `start()`
 * (and changes the period at run time).
 */
export function networkPerformanceModules(agent: NetworkPerformanceAgent): ContainerModule[] {
  const options = agent.options;
  const monitor = monitorOptionsFromConfig(options.monitoring);
  return [
    httpModule({ pool: options.pool }),
    createMonitorModule({ ...monitor, snapshot: { snapshotIntervalMs: 0 } }),
    clientModule({
      clusters: options.clusters,
      routes: options.routes,
      classes: options.classes,
      breaker: options.breaker,
      batching: options.batching,
    }),
    new ContainerModule(({ bind }) => {
      bind(NETWORK_PERFORMANCE_OPTIONS).toConstantValue(options);
    }),
  ];
}
