import {
  RemoteError,
  type EventBus,
  type NetworkCommandName,
  type NetworkPerformanceAgentContract,
} from '@slipstream/contracts';
import { createLogger, InProcessTransport, MessageBus } from '@slipstream/core';
import { NETWORK_COMMANDS } from './NETWORK_COMMANDS';
import { registerCommands } from './registerCommands';

type Operation = Exclude<
  keyof NetworkPerformanceAgentContract,
  'id' | 'role' | 'capabilities' | 'start' | 'stop' | 'health' | 'dependsOn'
>;

/** Each topic's operation, a payload its schema takes, and one it refuses (with the path named). */
const CASES: Record<
  NetworkCommandName,
  { operation: Operation; valid: object; invalid: object; path: string }
> = {
  'network.pooling.configure': {
    operation: 'implementConnectionPooling',
    valid: { connections: 4 },
    invalid: { connections: 'many' },
    path: 'connections',
  },
  'network.batching.configure': {
    operation: 'implementRequestBatching',
    valid: { maxBatchSize: 4 },
    invalid: { maxBatchSize: 0 },
    path: 'maxBatchSize',
  },
  'network.balancing.configure': {
    operation: 'implementLoadBalancing',
    valid: { cluster: 'api' },
    invalid: { algorithm: 'round-robin' },
    path: 'cluster',
  },
  'network.breaker.configure': {
    operation: 'implementCircuitBreaker',
    valid: { volumeThreshold: 3 },
    invalid: { errorThresholdPercentage: 150 },
    path: 'errorThresholdPercentage',
  },
  'network.monitoring.configure': {
    operation: 'implementNetworkMonitoring',
    valid: { windowMs: 30_000 },
    invalid: { windowMs: -1 },
    path: 'windowMs',
  },
  'network.routing.configure': {
    operation: 'implementAdvancedRouting',
    valid: { defaultClass: 'bulk' },
    invalid: { routes: 'all' },
    path: 'routes',
  },
  'network.optimize': {
    operation: 'optimizeNetworkPerformance',
    valid: {},
    invalid: { now: true },
    path: 'now',
  },
  'network.benchmark': {
    operation: 'benchmarkNetworkPerformance',
    valid: { requests: 10 },
    invalid: { requests: 10_000_000 },
    path: 'requests',
  },
};

/** An agent whose operations only record what they were called with and answer with their name. */
function recordingAgent(): NetworkPerformanceAgentContract & { calls: [Operation, unknown][] } {
  const calls: [Operation, unknown][] = [];
  const op = (name: Operation) => (payload?: unknown) => {
    calls.push([name, payload]);
    return Promise.resolve({ answeredBy: name } as never);
  };
  return {
    id: 'network-performance',
    role: 'recording fake',
    capabilities: [],
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    health: () => ({ live: true, ready: true }),
    implementConnectionPooling: op('implementConnectionPooling'),
    implementRequestBatching: op('implementRequestBatching'),
    implementLoadBalancing: op('implementLoadBalancing'),
    implementCircuitBreaker: op('implementCircuitBreaker'),
    implementNetworkMonitoring: op('implementNetworkMonitoring'),
    implementAdvancedRouting: op('implementAdvancedRouting'),
    optimizeNetworkPerformance: op('optimizeNetworkPerformance'),
    benchmarkNetworkPerformance: op('benchmarkNetworkPerformance'),
    calls,
  };
}

describe(registerCommands, () => {
  let bus: EventBus;
  let agent: ReturnType<typeof recordingAgent>;
  let disposers: (() => void)[];

  beforeEach(() => {
    bus = new MessageBus(new InProcessTransport(), createLogger({ level: 'error' }), {
      source: 'spec',
      requestTimeoutMs: 3_000,
    });
    agent = recordingAgent();
    disposers = registerCommands(bus, agent);
  });
  afterEach(async () => {
    for (const dispose of disposers) dispose();
    await bus.close();
  });

  it('answers every topic of the table, and only those', () => {
    expect(disposers).toHaveLength(Object.keys(NETWORK_COMMANDS).length);
    expect(Object.keys(NETWORK_COMMANDS).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.entries(CASES))(
    '%s: a valid payload reaches its operation',
    async (topic, { operation, valid }) => {
      const reply = await bus.request(topic as NetworkCommandName, valid);
      expect(reply).toEqual({ answeredBy: operation });
      expect(agent.calls).toEqual([
        [operation, operation === 'optimizeNetworkPerformance' ? undefined : valid],
      ]);
    },
  );

  it.each(Object.entries(CASES))(
    '%s: a malformed payload gets a ConfigError reply naming the path, and reaches no operation',
    async (topic, { invalid, path }) => {
      const reply = bus.request(topic as NetworkCommandName, invalid);
      await expect(reply).rejects.toThrow(RemoteError);
      await expect(reply).rejects.toMatchObject({ remote: { code: 'SLIP_ERR_CONFIG' } });
      await expect(reply).rejects.toThrow(path);
      // The reply carries each issue, so a remote caller can act on the path without parsing the message.
      const { remote } = (await reply.catch((e: unknown) => e)) as RemoteError;
      expect(remote.issues?.map((i) => i.path)).toContain(path);
      expect(agent.calls).toEqual([]);
    },
  );
});
