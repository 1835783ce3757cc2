/**
 * The README's example, a complete program: a local upstream, the NetworkPerformanceAgent (the
 * sidecar) in front of it, and an agent of our own that sends a request through the sidecar's
 * NetworkClient and then asks the sidecar, over the bus, to optimize itself. CommonJS-safe (no
 * top-level `await`); the packaging test compiles it with `tsc` (nodenext) against the packed
 * packages and runs it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NetworkPerformanceAgent, networkPerformanceModules } from '@slipstream/agent-network-performance';
import type { NetworkClient } from '@slipstream/client';
import { TOKENS, type Agent, type AgentContext, type AgentHealth } from '@slipstream/contracts';
import { Orchestrator } from '@slipstream/core';

/** Our agent: it keeps its context so that `main` can use the sidecar through it once started. */
class ReportAgent implements Agent {
  readonly id = 'report';
  readonly role = 'Example: calls an upstream and triggers an optimization over the bus';
  readonly capabilities = ['report'];
  readonly dependsOn = ['network-performance'];
  #ctx: AgentContext | undefined;

  start(ctx: AgentContext): Promise<void> {
    this.#ctx = ctx;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.#ctx = undefined;
    return Promise.resolve();
  }

  health(): AgentHealth {
    return { live: true, ready: this.#ctx !== undefined };
  }

  /** One GET through the sidecar's pipeline (route → scheduler → balancer → breaker → pool). */
  async hello(): Promise<string> {
    const network = this.#context().services.get<NetworkClient>(TOKENS.NetworkClient);
    const response = await network.request({ path: '/hello' }, { timeoutMs: 5_000 });
    return `${response.statusCode} ${response.body.toString('utf8')}`;
  }

  /** `network.optimize` over the bus: the sidecar measures itself, plans from what it measured and A/B-tests the plan. */
  async optimize(): Promise<string> {
    const result = await this.#context().bus.request('network.optimize', {}, { timeoutMs: 60_000 });
    const ab = result.comparison;
    const measured = ab
      ? ` (paired ratio ${ab.median.toFixed(2)}, range ${ab.low.toFixed(2)}-${ab.high.toFixed(2)})`
      : '';
    return `${result.plan.length} change(s) planned, verdict: ${result.verdict}${measured}`;
  }

  #context(): AgentContext {
    if (this.#ctx === undefined) throw new Error('ReportAgent is not started');
    return this.#ctx;
  }
}

/** Starts an upstream on 127.0.0.1 (an ephemeral port) that answers every request. */
function startUpstream(): Promise<Server> {
  const server = createServer((_req, res) => res.end('hello from the upstream'));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const { port } = upstream.address() as AddressInfo;
  const sidecar = new NetworkPerformanceAgent({
    clusters: [{ cluster: 'api', endpoints: [{ origin: `http://127.0.0.1:${port}` }] }],
    routes: [
      {
        id: 'hello',
        match: { path: '/hello' },
        cluster: 'api',
        policy: { qosClass: 'critical', retries: 2 },
      },
    ],
    workload: { path: '/hello', requests: 50 },
  });
  const report = new ReportAgent();
  const orchestrator = new Orchestrator({ config: { log: { level: 'warn' } } });
  orchestrator
    .use(...networkPerformanceModules(sidecar))
    .register(sidecar)
    .register(report);
  await orchestrator.start();
  try {
    console.log(await report.hello());
    console.log(await report.optimize());
  } finally {
    await orchestrator.stop();
    upstream.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
