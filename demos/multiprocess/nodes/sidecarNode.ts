/**
 * Process (a): the sidecar process (`startSidecar`, what `slipstream sidecar --config FILE` runs)
 * on the demo's NATS bus: the NetworkPerformanceAgent, its proxy agent for Sarah and the
 * optimizer in the other processes, and the loopback HTTP proxy for agents in any language.
 */
import { createLogger } from '@slipstream/core';
import { startSidecar } from '@slipstream/sidecar';

import { CLUSTER, nodeConfig, readSettings } from './MultiprocessSettings';
import type { NodeReadyMessage } from './runNode';

async function main(): Promise<void> {
  const settings = readSettings();
  const node = `sidecar-${process.pid}`;
  const logger = createLogger({ format: 'json' }).child({ node });
  const sidecar = await startSidecar({
    logger,
    config: {
      ...nodeConfig(settings, node),
      network: {
        clusters: [{ cluster: CLUSTER, endpoints: settings.upstreams.map((origin) => ({ origin })) }],
        monitoring: { snapshotIntervalMs: 2_000 },
      },
      sidecar: { listen: { port: 0 }, admin: { port: 0 }, watch: false },
    },
  });
  const stop = (): void => {
    void sidecar.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop).once('SIGINT', stop).once('disconnect', stop);
  logger.info('sidecar node ready', { proxy: sidecar.proxyUrl, admin: sidecar.adminUrl });
  const ready: NodeReadyMessage = { type: 'ready', node };
  process.send?.(ready);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
