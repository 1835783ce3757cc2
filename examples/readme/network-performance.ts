// examples/readme/network-performance.ts
import { NetworkPerformanceAgent, networkPerformanceModules } from '@slipstream/agent-network-performance';
import type { NetworkClient } from '@slipstream/client';
import { TOKENS, type Agent, type AgentContext, type AgentHealth } from '@slipstream/contracts';
import { Orchestrator } from '@slipstream/core';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Our agent: a request through the sidecar's NetworkClient, then a command to the sidecar over the bus. */
class CallerAgent implements Agent {
  readonly id = 'caller';
  readonly role = 'Example: uses the sidecar';
  readonly capabilities = ['call'];
  readonly dependsOn = ['network-performance'];

  async start(ctx: AgentContext): Promise<void> {
    const network = ctx.services.get<NetworkClient>(TOKENS.NetworkClient);
    const response = await network.request({ cluster: 'api', path: '/' }, { timeoutMs: 5_000 });
    console.log(`${response.statusCode} ${response.body.toString('utf8')}`);
    const monitoring = await ctx.bus.request('network.monitoring.configure', {
      windowMs: 30_000,
      sloLatencyMs: 200,
    });
    console.log(`window ${monitoring.applied.windowMs} ms, admin server at ${monitoring.adminUrl}`);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  health(): AgentHealth {
    return { live: true, ready: true };
  }
}

async function main(): Promise<void> {
  const upstream = createServer((_req, res) => res.end('hello'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  const sidecar = new NetworkPerformanceAgent({
    clusters: [{ cluster: 'api', endpoints: [{ origin: `http://127.0.0.1:${port}` }] }],
    pool: { connections: 16 },
    monitoring: { snapshotIntervalMs: 5_000, admin: { enabled: true, port: 0 } },
  });
  const orchestrator = new Orchestrator({ config: { log: { level: 'warn' } } })
    .use(...networkPerformanceModules(sidecar))
    .register(sidecar)
    .register(new CallerAgent());
  await orchestrator.start();
  await orchestrator.stop();
  upstream.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
