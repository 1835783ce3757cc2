// An ES module consumer of the packed packages: an orchestrator with the sidecar, and one request
// through the sidecar's NetworkClient to a local upstream. Prints `status body` (the packaging test
// checks it); exits 1 on any error.
import { createServer } from 'node:http';
import { TOKENS } from '@slipstream/contracts';
import { Orchestrator } from '@slipstream/core';
import { NetworkPerformanceAgent, networkPerformanceModules } from '@slipstream/agent-network-performance';

/** An agent that only keeps its context, through which the script reaches the NetworkClient. */
const probe = {
  id: 'probe',
  role: 'packaging probe',
  capabilities: [],
  dependsOn: ['network-performance'],
  ctx: undefined,
  start(ctx) {
    this.ctx = ctx;
    return Promise.resolve();
  },
  stop: () => Promise.resolve(),
  health: () => ({ live: true, ready: true }),
};

const upstream = createServer((req, res) => res.end(`esm ${req.url}`));
await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const sidecar = new NetworkPerformanceAgent({
  clusters: [{ cluster: 'api', endpoints: [{ origin: `http://127.0.0.1:${upstream.address().port}` }] }],
});
const orchestrator = new Orchestrator({ config: { log: { level: 'warn' } } });
orchestrator
  .use(...networkPerformanceModules(sidecar))
  .register(sidecar)
  .register(probe);
await orchestrator.start();
try {
  const response = await probe.ctx.services
    .get(TOKENS.NetworkClient)
    .request({ path: '/through-the-sidecar', cluster: 'api' });
  console.log(`${response.statusCode} ${response.body.toString()}`);
} finally {
  await orchestrator.stop();
  upstream.close();
}
