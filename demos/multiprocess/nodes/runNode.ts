import type { Agent } from '@slipstream/contracts';
import { createLogger, installSignalHandlers, Orchestrator } from '@slipstream/core';
import { natsTransportModule } from '@slipstream/transport-nats';
import type { ContainerModule } from 'inversify';

import { nodeConfig, readSettings, type MultiprocessSettings } from './MultiprocessSettings';

/** What a node process runs: its container modules and its agents. */
export interface NodeParts {
  modules: ContainerModule[];
  agents: Agent[];
}

/** The message a node sends its parent once its agents run. */
export interface NodeReadyMessage {
  type: 'ready';
  node: string;
}

/**
 * Runs one node of the demo: reads the settings, starts an orchestrator on NATS (discovery on)
 * with `parts`, tells the parent `{ type: 'ready', node }`, stops gracefully on SIGINT/SIGTERM
 * and when the parent goes away (IPC disconnect), so no node outlives the driver.
 */
export async function runNode(
  role: string,
  build: (settings: MultiprocessSettings) => NodeParts,
): Promise<void> {
  const settings = readSettings();
  const node = `${role}-${process.pid}`;
  const logger = createLogger({ format: 'json' }).child({ node });
  const { modules, agents } = build(settings);
  const orchestrator = new Orchestrator({ config: nodeConfig(settings, node), logger }).use(
    natsTransportModule,
    ...modules,
  );
  for (const agent of agents) orchestrator.register(agent);
  installSignalHandlers(orchestrator, logger);
  process.once('disconnect', () => {
    void orchestrator.stop().finally(() => process.exit(0));
  });
  await orchestrator.start();
  const health = await orchestrator.health();
  const failed = Object.entries(health.agents).filter(([, s]) => s.state === 'failed');
  if (failed.length > 0) {
    logger.error('agents failed to start', { failed: failed.map(([id, s]) => ({ id, error: s.error })) });
    await orchestrator.stop();
    process.exit(1);
  }
  const ready: NodeReadyMessage = { type: 'ready', node };
  process.send?.(ready);
}
