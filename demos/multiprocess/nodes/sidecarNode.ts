/** Process (a): the NetworkPerformanceAgent (the sidecar) and its proxy for the other processes. */
import { NetworkPerformanceAgent, networkPerformanceModules } from '@slipstream/agent-network-performance';

import { NetworkProxyAgent } from '../remote/NetworkProxyAgent';
import { CLUSTER } from './MultiprocessSettings';
import { runNode } from './runNode';

void runNode('sidecar', ({ upstreams }) => {
  const sidecar = new NetworkPerformanceAgent({
    clusters: [{ cluster: CLUSTER, endpoints: upstreams.map((origin) => ({ origin })) }],
    monitoring: { snapshotIntervalMs: 2_000 },
  });
  return { modules: networkPerformanceModules(sidecar), agents: [sidecar, new NetworkProxyAgent()] };
}).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
