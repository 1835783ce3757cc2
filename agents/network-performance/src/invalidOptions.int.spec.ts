import { ConfigError, RemoteError, type Agent, type CommandName, type EventBus } from '@slipstream/contracts';
import { createNetworkClient } from '@slipstream/client';
import { Orchestrator } from '@slipstream/core';
import { NetworkPerformanceAgent } from './NetworkPerformanceAgent';
import type { NetworkPerformanceAgentOptions } from './NetworkPerformanceAgentOptions';
import { networkPerformanceModules } from './networkPerformanceModules';

/** A valid cluster (nothing listens there: nothing is sent in this test). */
const API = { cluster: 'api', endpoints: [{ origin: 'http://127.0.0.1:9' }] };

/** Sections of the options that a bus command also sets, and how a section's value becomes its payload. */
const COMMANDS: Partial<
  Record<string, { command: CommandName; payload: (value: unknown) => unknown; strip: string }>
> = {
  pool: { command: 'network.pooling.configure', payload: (v) => v, strip: 'pool.' },
  batching: { command: 'network.batching.configure', payload: (v) => v, strip: 'batching.' },
  breaker: { command: 'network.breaker.configure', payload: (v) => v, strip: 'breaker.' },
  clusters: {
    command: 'network.balancing.configure',
    payload: (v) => (v as unknown[])[0],
    strip: 'clusters[0].',
  },
  routes: { command: 'network.routing.configure', payload: (v) => ({ routes: v }), strip: '' },
  classes: { command: 'network.routing.configure', payload: (v) => ({ classes: v }), strip: '' },
  monitoring: { command: 'network.monitoring.configure', payload: (v) => v, strip: 'monitoring.' },
};

/** Which entry points take a section: both, the client only or the agent only. */
type Target = 'both' | 'client' | 'agent';

/** One invalid option set: the section it sets, its value, the full path the error must name. */
type Case = [title: string, section: string, value: unknown, path: string, target?: Target];

const cluster = (extra: Record<string, unknown>): unknown[] => [{ ...API, ...extra }];
const endpoint = (origin: unknown, extra: Record<string, unknown> = {}): unknown[] =>
  cluster({ endpoints: [{ origin, ...extra }] });

const CASES: Case[] = [
  // typos
  ['typo in a pool key', 'pool', { connetions: 8 }, 'pool.connetions'],
  ['typo in a batching key', 'batching', { maxBachSize: 8 }, 'batching.maxBachSize'],
  ['typo in a breaker key', 'breaker', { resetTimeout: 8 }, 'breaker.resetTimeout'],
  ['typo in a cluster key', 'clusters', cluster({ algoritm: 'random' }), 'clusters[0].algoritm'],
  [
    'typo in an endpoint key',
    'clusters',
    endpoint('http://h:1', { wieght: 2 }),
    'clusters[0].endpoints[0].wieght',
  ],
  [
    'typo in a health-check key',
    'clusters',
    cluster({ healthCheck: { pth: '/h' } }),
    'clusters[0].healthCheck.pth',
  ],
  [
    'typo in a route policy',
    'routes',
    [{ id: 'r', match: {}, cluster: 'api', policy: { retry: 2 } }],
    'routes[0].policy.retry',
  ],
  [
    'a route deadline longer than a Node timer keeps (2³¹ ms: it would fire at once)',
    'routes',
    [{ id: 'r', match: {}, cluster: 'api', policy: { timeoutMs: 3_000_000_000 } }],
    'routes[0].policy.timeoutMs',
  ],
  [
    'a breaker timeout longer than a Node timer keeps',
    'breaker',
    { timeoutMs: 2 ** 31 },
    'breaker.timeoutMs',
  ],
  ['typo in a class key', 'classes', [{ name: 'c', priority: 0, wieght: 1 }], 'classes[0].wieght'],
  ['top-level typo', 'retires', 3, 'retires'],
  ['typo in the retry settings', 'retry', { maxRetry: 3 }, 'retry.maxRetry', 'client'],
  ['typo in the workload', 'workload', { request: 3 }, 'workload.request', 'agent'],
  ['typo in the monitoring settings', 'monitoring', { windowMS: 3 }, 'monitoring.windowMS', 'agent'],
  // wrong types
  ['connections as a string', 'pool', { connections: '8' }, 'pool.connections'],
  ['allowH2 as a string', 'pool', { allowH2: 'yes' }, 'pool.allowH2'],
  ['dedupe as a number', 'batching', { dedupe: 1 }, 'batching.dedupe'],
  ['clusters as an object', 'clusters', { api: API }, 'clusters'],
  ['endpoints as a string', 'clusters', cluster({ endpoints: 'http://h:1' }), 'clusters[0].endpoints'],
  ['a cluster name as a number', 'clusters', cluster({ cluster: 7 }), 'clusters[0].cluster'],
  [
    'a weight as a string',
    'clusters',
    endpoint('http://h:1', { weight: '2' }),
    'clusters[0].endpoints[0].weight',
  ],
  ['a route without match', 'routes', [{ id: 'r', cluster: 'api' }], 'routes[0].match'],
  ['a class priority as a string', 'classes', [{ name: 'c', priority: 'high' }], 'classes[0].priority'],
  ['monitoring as a string', 'monitoring', 'on', 'monitoring'],
  // out of range
  ['zero connections', 'pool', { connections: 0 }, 'pool.connections'],
  ['fractional pipelining', 'pool', { pipelining: 1.5 }, 'pool.pipelining'],
  ['maxBatchSize 0', 'batching', { maxBatchSize: 0 }, 'batching.maxBatchSize'],
  ['negative delay', 'batching', { maxDelayMs: -1 }, 'batching.maxDelayMs'],
  [
    'error threshold above 100 %',
    'breaker',
    { errorThresholdPercentage: 101 },
    'breaker.errorThresholdPercentage',
  ],
  ['fallback status 700', 'breaker', { fallback: { status: 700, body: null } }, 'breaker.fallback.status'],
  [
    'panic threshold 150 %',
    'clusters',
    cluster({ panicThresholdPercent: 150 }),
    'clusters[0].panicThresholdPercent',
  ],
  ['negative tier', 'clusters', endpoint('http://h:1', { tier: -1 }), 'clusters[0].endpoints[0].tier'],
  [
    'health-check interval 0',
    'clusters',
    cluster({ healthCheck: { intervalMs: 0 } }),
    'clusters[0].healthCheck.intervalMs',
  ],
  [
    'zero consecutive failures',
    'clusters',
    cluster({ outlierDetection: { consecutiveFailures: 0 } }),
    'clusters[0].outlierDetection.consecutiveFailures',
  ],
  [
    'maxEjectionMs below baseEjectionMs',
    'clusters',
    cluster({ outlierDetection: { baseEjectionMs: 10, maxEjectionMs: 5 } }),
    'clusters[0].outlierDetection.maxEjectionMs',
  ],
  ['negative retries', 'retry', { maxRetries: -1 }, 'retry.maxRetries', 'client'],
  ['workload of a million requests', 'workload', { requests: 1_000_000 }, 'workload.requests', 'agent'],
  ['admin port 70000', 'monitoring', { admin: { port: 70_000 } }, 'monitoring.admin.port', 'agent'],
  ['negative default timeout', 'defaultTimeoutMs', -5, 'defaultTimeoutMs', 'client'],
  // bad URLs
  ['an ftp:// origin', 'clusters', endpoint('ftp://h:21'), 'clusters[0].endpoints[0].origin'],
  ['port 99999', 'clusters', endpoint('http://h:99999'), 'clusters[0].endpoints[0].origin'],
  ['port 0', 'clusters', endpoint('http://h:0'), 'clusters[0].endpoints[0].origin'],
  ['an origin with a path', 'clusters', endpoint('http://h:1/api'), 'clusters[0].endpoints[0].origin'],
  ['not a URL', 'clusters', endpoint('localhost'), 'clusters[0].endpoints[0].origin'],
  ['a batch path without /', 'clusters', cluster({ batchPath: 'rpc' }), 'clusters[0].batchPath'],
  [
    'a health path with CRLF',
    'clusters',
    cluster({ healthCheck: { path: '/h\r\nx: y' } }),
    'clusters[0].healthCheck.path',
  ],
  // empty clusters, unknown names
  ['a cluster with no endpoints', 'clusters', cluster({ endpoints: [] }), 'clusters[0].endpoints'],
  ['a new cluster without endpoints', 'clusters', [{ cluster: 'fresh' }], 'clusters[0].endpoints'],
  ['an unknown algorithm', 'clusters', cluster({ algorithm: 'fastest' }), 'clusters[0].algorithm'],
  ['an unknown compression', 'batching', { compression: 'zstd' }, 'batching.compression'],
  [
    'an unknown sticky source',
    'clusters',
    cluster({ sticky: { source: 'query' } }),
    'clusters[0].sticky.source',
  ],
  ['a route to an unknown cluster', 'routes', [{ id: 'r', match: {}, cluster: 'nope' }], 'routes[0].cluster'],
  [
    'a route to an unknown alternative',
    'routes',
    [{ id: 'r', match: {}, cluster: ['api', 'nope'] }],
    'routes[0].cluster[1]',
  ],
  [
    'duplicate endpoints',
    'clusters',
    cluster({ endpoints: [{ origin: 'http://h:1' }, { origin: 'http://h:1' }] }),
    'clusters[0].endpoints',
  ],
  ['a workload on an unknown cluster', 'workload', { cluster: 'nope' }, 'workload.cluster', 'agent'],
  // connection settings the pool refuses for the origin's scheme
  [
    'HTTP/2 to an http origin',
    'clusters',
    endpoint('http://h:1', { protocol: 'h2' }),
    'clusters[0].endpoints[0].protocol',
  ],
  [
    'TLS settings on an http origin',
    'clusters',
    endpoint('http://h:1', { tls: { servername: 'h' } }),
    'clusters[0].endpoints[0].tls',
  ],
];

/** The paths of the issues of `fn`'s ConfigError (fails the test when it throws anything else, or nothing). */
function configErrorPaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(ConfigError.is(err)).toBe(true);
    return (err as ConfigError).issues.map((i) => i.path);
  }
  throw new Error('accepted an invalid option set');
}

/** An agent that only hands the test the bus. */
function busProbe(): Agent & { bus?: EventBus } {
  const probe: Agent & { bus?: EventBus } = {
    id: 'probe',
    role: 'test probe',
    capabilities: [],
    start: (ctx) => {
      probe.bus = ctx.bus;
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
    health: () => ({ live: true, ready: true }),
  };
  return probe;
}

describe('invalid options (issue #13): refused at construction, naming the full path', () => {
  let orchestrator: Orchestrator;
  let bus: EventBus;

  beforeAll(async () => {
    const agent = new NetworkPerformanceAgent({ clusters: [API], monitoring: { snapshotIntervalMs: 0 } });
    const probe = busProbe();
    orchestrator = new Orchestrator({ config: { log: { level: 'error' }, nodeId: 'invalid-options' } });
    orchestrator
      .use(...networkPerformanceModules(agent))
      .register(agent)
      .register(probe);
    await orchestrator.start();
    bus = probe.bus!;
  });
  afterAll(() => orchestrator.stop());

  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('%s: createNetworkClient refuses it', (_title, section, value, path, target = 'both') => {
    if (target === 'agent') return;
    const options = section === 'clusters' ? { clusters: value } : { clusters: [API], [section]: value };
    expect(configErrorPaths(() => createNetworkClient(options as never))).toContain(path);
  });

  it.each(CASES)(
    '%s: the NetworkPerformanceAgent constructor refuses it',
    (_title, section, value, path, target = 'both') => {
      if (target === 'client') return;
      const options = section === 'clusters' ? { clusters: value } : { clusters: [API], [section]: value };
      expect(
        configErrorPaths(() => new NetworkPerformanceAgent(options as NetworkPerformanceAgentOptions)),
      ).toContain(path);
    },
  );

  // A whole section of the wrong type has no command payload to stand for.
  it.each(CASES.filter(([, section, , path]) => COMMANDS[section] !== undefined && path !== section))(
    '%s: its bus command refuses it',
    async (_title, section, value, path) => {
      const { command, payload, strip } = COMMANDS[section]!;
      const reply = bus.request(command, payload(value) as never, { timeoutMs: 10_000 });
      await expect(reply).rejects.toBeInstanceOf(RemoteError);
      const error = (await reply.catch((e: unknown) => e)) as RemoteError;
      expect(error.remote.code).toBe('SLIP_ERR_CONFIG');
      // The routing command names a route's unknown alternative at the route's `cluster` field.
      const busPath = (path.startsWith(strip) ? path.slice(strip.length) : path).replace(/\[\d+\]$/, '');
      expect(error.remote.message).toContain(`${busPath}`);
      expect(error.remote.message).toMatch(/: expected /);
    },
  );

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'clusters'],
  ])(
    'options that are %s: createNetworkClient and the agent refuse them at the root (path "", shown as (root))',
    (_title, value) => {
      expect(configErrorPaths(() => createNetworkClient(value as never))).toEqual(['']);
      expect(
        configErrorPaths(
          () => new NetworkPerformanceAgent(value as unknown as NetworkPerformanceAgentOptions),
        ),
      ).toEqual(['']);
    },
  );

  it('createNetworkClient() with no options builds a working client with defaults', async () => {
    const client = createNetworkClient();
    expect(client.stats().clusters).toEqual([]);
    await client.close();
  });
});
