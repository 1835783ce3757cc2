/** Process (c): the PerformanceOptimizer, tuning the sidecar of process (a) over the bus. */
import { PerformanceOptimizerAgent } from '@slipstream/agent-performance-optimizer';

import { RemoteSidecarAgent } from '@slipstream/sidecar';
import { runNode } from './runNode';

void runNode('optimizer', () => ({
  modules: [],
  agents: [new RemoteSidecarAgent(), new PerformanceOptimizerAgent()],
})).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
