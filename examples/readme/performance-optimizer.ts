// examples/readme/performance-optimizer.ts
import { NetworkPerformanceAgent, networkPerformanceModules } from '@slipstream/agent-network-performance';
import {
  OPTIMIZER_TOKENS,
  performanceOptimizerModule,
  type PerformanceOptimizerAgent,
} from '@slipstream/agent-performance-optimizer';
import { Orchestrator } from '@slipstream/core';
import { Container } from 'inversify';

async function main(): Promise<void> {
  const sidecar = new NetworkPerformanceAgent({
    clusters: [{ cluster: 'api', endpoints: [{ origin: 'http://127.0.0.1:8080' }] }],
    monitoring: { snapshotIntervalMs: 5_000 }, // the optimizer reads these snapshots
  });
  const container = new Container();
  await container.load(performanceOptimizerModule({ cooldownMs: 30_000 }));
  const optimizer = container.get<PerformanceOptimizerAgent>(OPTIMIZER_TOKENS.Agent);
  // or without a container: new PerformanceOptimizerAgent({ cooldownMs: 30_000 })
  const orchestrator = new Orchestrator({ config: { log: { level: 'warn' } } })
    .use(...networkPerformanceModules(sidecar))
    .register(sidecar)
    .register(optimizer);
  await orchestrator.start();
  console.log(`optimizer ${(await orchestrator.health()).agents['performance-optimizer']?.state}`);
  await orchestrator.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
