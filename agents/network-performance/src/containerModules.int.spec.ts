import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TOKENS, type Agent, type ServiceResolver } from '@slipstream/contracts';
import {
  DEFAULT_BALANCER_ALGORITHMS,
  type BalancerAlgorithmRegistry,
  type LoadBalancer,
} from '@slipstream/balancer';
import {
  DEFAULT_CLIENT_FACTORIES,
  type ClientFactories,
  type NetworkClient,
  type PipelineResponse,
  type PipelineStep,
  type StepContext,
} from '@slipstream/client';
import { Orchestrator } from '@slipstream/core';
import { ContainerModule } from 'inversify';
import { NetworkPerformanceAgent } from './NetworkPerformanceAgent';
import type { NetworkPerformanceAgentOptions } from './NetworkPerformanceAgentOptions';
import { networkPerformanceModules } from './networkPerformanceModules';

/** A loopback upstream that answers 200 and keeps the headers of every request it received. */
async function recordingUpstream(): Promise<{ origin: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST') return res.end('ok');
      // A JSON-RPC batch: each call answered with its method's name.
      const calls = JSON.parse(Buffer.concat(chunks).toString()) as { id?: number; method: string }[];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: c.id, result: c.method }))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

/** Starts an orchestrator with the sidecar's modules and `extra`, and hands back the container's services. */
async function startNode(
  origins: string[],
  extra: ContainerModule[],
  routes?: NetworkPerformanceAgentOptions['routes'],
): Promise<[Orchestrator, ServiceResolver]> {
  const agent = new NetworkPerformanceAgent({
    clusters: [
      { cluster: 'api', algorithm: 'round-robin', endpoints: origins.map((origin) => ({ origin })) },
    ],
    routes,
    monitoring: { snapshotIntervalMs: 0 },
  });
  let services: ServiceResolver | undefined;
  const probe: Agent = {
    id: 'probe',
    role: 'test probe',
    capabilities: [],
    start: (ctx) => {
      services = ctx.services;
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
    health: () => ({ live: true, ready: true }),
  };
  const node = new Orchestrator({ config: { log: { level: 'error' }, nodeId: 'modules-test' } })
    .use(...networkPerformanceModules(agent), ...extra)
    .register(agent)
    .register(probe);
  await node.start();
  return [node, services!];
}

/** An algorithm that always picks the last candidate. */
const lastOne: LoadBalancer = { name: 'last', pick: (endpoints) => endpoints[endpoints.length - 1] };

/** A step that stamps each attempt with the endpoint it goes to, and counts the attempts it saw. */
class StampStep implements PipelineStep {
  readonly name = 'stamp';
  attempts = 0;
  handle(ctx: StepContext, next: (ctx: StepContext) => Promise<PipelineResponse>): Promise<PipelineResponse> {
    this.attempts += 1;
    ctx.setHeader('x-stamp', `${ctx.cluster} ${ctx.endpoint}`);
    return next(ctx);
  }
}

describe('the sidecar container: components resolved from their tokens', () => {
  const upstreams: Awaited<ReturnType<typeof recordingUpstream>>[] = [];
  let node: Orchestrator | undefined;

  beforeAll(async () => {
    upstreams.push(await recordingUpstream(), await recordingUpstream());
  });
  afterEach(async () => {
    await node?.stop();
    node = undefined;
    for (const u of upstreams) u.seen.length = 0;
  });
  afterAll(async () => {
    await Promise.all(upstreams.map((u) => new Promise((resolve) => u.server.close(resolve))));
  });

  async function send(services: ServiceResolver, n: number): Promise<number[]> {
    const client = services.get<NetworkClient>(TOKENS.NetworkClient);
    const statuses: number[] = [];
    for (let i = 0; i < n; i++)
      statuses.push((await client.request({ path: '/x', cluster: 'api' })).statusCode);
    return statuses;
  }

  it('when a module rebinds TOKENS.BalancerAlgorithms, real requests are balanced by its algorithm', async () => {
    const custom: BalancerAlgorithmRegistry = {
      ...DEFAULT_BALANCER_ALGORITHMS,
      'round-robin': () => lastOne,
    };
    const rebind = new ContainerModule(({ rebindSync }) => {
      rebindSync<BalancerAlgorithmRegistry>(TOKENS.BalancerAlgorithms).toConstantValue(custom);
    });
    let services: ServiceResolver;
    [node, services] = await startNode(
      upstreams.map((u) => u.origin),
      [rebind],
    );
    expect(await send(services, 10)).toEqual(Array(10).fill(200));
    expect(upstreams.map((u) => u.seen.length)).toEqual([0, 10]);
  });

  it('without the rebinding, the same cluster is round-robin (the property above needs it)', async () => {
    let services: ServiceResolver;
    [node, services] = await startNode(
      upstreams.map((u) => u.origin),
      [],
    );
    await send(services, 10);
    expect(upstreams.map((u) => u.seen.length)).toEqual([5, 5]);
  });

  it('when a module binds a TOKENS.PipelineStep, it runs on every attempt of real requests, after the pick', async () => {
    const step = new StampStep();
    const add = new ContainerModule(({ bind }) => {
      bind<PipelineStep>(TOKENS.PipelineStep).toConstantValue(step);
    });
    let services: ServiceResolver;
    [node, services] = await startNode(
      upstreams.map((u) => u.origin),
      [add],
    );
    expect(await send(services, 4)).toEqual([200, 200, 200, 200]);
    expect(step.attempts).toBe(4);
    for (const u of upstreams) {
      expect(u.seen.map((h) => h['x-stamp'])).toEqual([`api ${u.origin}`, `api ${u.origin}`]);
    }
  });

  it('when a module rebinds TOKENS.ClientFactories, the router, scheduler, batcher and hedger it builds serve real requests', async () => {
    const used = { router: 0, scheduler: 0, batcher: 0, hedger: 0 };
    const counting: ClientFactories = {
      router: (options, bus) => {
        const router = DEFAULT_CLIENT_FACTORIES.router(options, bus);
        const resolve = router.resolve.bind(router);
        router.resolve = (request) => {
          used.router += 1;
          return resolve(request);
        };
        return router;
      },
      scheduler: (options, bus) => {
        const scheduler = DEFAULT_CLIENT_FACTORIES.scheduler(options, bus);
        const acquire = scheduler.acquire.bind(scheduler);
        scheduler.acquire = (...args) => {
          used.scheduler += 1;
          return acquire(...args);
        };
        return scheduler;
      },
      batcher: (send, options) =>
        DEFAULT_CLIENT_FACTORIES.batcher((batch, signal) => {
          used.batcher += 1;
          return send(batch, signal);
        }, options),
      hedger: (options) => {
        const hedger = DEFAULT_CLIENT_FACTORIES.hedger(options);
        const execute = hedger.execute.bind(hedger);
        hedger.execute = (...args) => {
          used.hedger += 1;
          return execute(...args);
        };
        return hedger;
      },
    };
    const rebind = new ContainerModule(({ rebindSync }) => {
      rebindSync<ClientFactories>(TOKENS.ClientFactories).toConstantValue(counting);
    });
    let services: ServiceResolver;
    [node, services] = await startNode(
      upstreams.map((u) => u.origin),
      [rebind],
      [{ id: 'hedged', match: { path: '/x' }, cluster: 'api', policy: { hedge: { delayMs: 5_000 } } }],
    );
    expect(await send(services, 3)).toEqual([200, 200, 200]);
    const client = services.get<NetworkClient>(TOKENS.NetworkClient);
    expect(await client.call('ping', undefined, { cluster: 'api' })).toBe('ping');
    // 3 GETs and 1 batch: each routed (the batch by its cluster) and admitted; the GETs hedged.
    expect(used).toEqual({ router: 3, scheduler: 4, batcher: 1, hedger: 3 });
  });
});
