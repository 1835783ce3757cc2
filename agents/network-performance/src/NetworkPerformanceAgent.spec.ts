import { TOKENS, type AgentContext, type EventBus, type Logger } from '@slipstream/contracts';
import { MONITOR_TOKENS } from '@slipstream/monitor';
import { NetworkPerformanceAgent } from './NetworkPerformanceAgent';

/** Services whose admin server cannot listen; the rest record whether they run. */
function failingAdminServices(): { ctx: AgentContext; running: { alerts: boolean; snapshots: boolean } } {
  const running = { alerts: false, snapshots: false };
  const services: Record<symbol, unknown> = {
    [TOKENS.NetworkClient]: {},
    [TOKENS.PoolManager]: {},
    [TOKENS.MetricsRegistry]: {},
    [TOKENS.AlertManager]: {
      start: () => (running.alerts = true),
      stop: () => (running.alerts = false),
    },
    [MONITOR_TOKENS.SnapshotPublisher]: {
      setIntervalMs: () => undefined,
      start: () => (running.snapshots = true),
      stop: () => (running.snapshots = false),
    },
    [TOKENS.AdminServer]: {
      start: () => Promise.reject(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' })),
      close: () => Promise.resolve(),
    },
  };
  const ctx = {
    bus: {} as EventBus,
    logger: {} as Logger,
    signal: new AbortController().signal,
    services: { get: <T>(id: symbol): T => services[id] as T, isBound: () => true },
  } satisfies AgentContext;
  return { ctx, running };
}

describe(NetworkPerformanceAgent, () => {
  describe('.start()', () => {
    it('when the admin server cannot listen, stops the alerts and snapshots it started and rethrows (regression: leaked timers)', async () => {
      const agent = new NetworkPerformanceAgent({
        clusters: [{ cluster: 'api', endpoints: [{ origin: 'http://127.0.0.1:1' }] }],
        monitoring: { admin: { enabled: true } },
      });
      const { ctx, running } = failingAdminServices();
      await expect(agent.start(ctx)).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(running).toEqual({ alerts: false, snapshots: false });
      expect(agent.health()).toMatchObject({ ready: false });
    });
  });
});
