import { AgentLifecycleError, ConfigError } from '@slipstream/contracts';

import { RemoteSidecarAgent } from './RemoteSidecarAgent';
import { SidecarUnreachableError } from './SidecarUnreachableError';
import { testContext } from '../test/testContext';

describe(RemoteSidecarAgent, () => {
  afterEach(() => jest.useRealTimers());

  describe('.start()', () => {
    it('when another node’s heartbeat lists the network proxy, resolves and is ready until that node goes offline', async () => {
      const ctx = testContext({}, 'sarah-1');
      const agent = new RemoteSidecarAgent({ waitMs: 1_000 });
      const started = agent.start(ctx);
      await ctx.bus.publish('node.heartbeat', {
        node: 'sarah-1',
        agentIds: ['network-proxy'],
        intervalMs: 1,
      });
      await ctx.bus.publish('node.heartbeat', { node: 'other', agentIds: ['sarah'], intervalMs: 1 });
      expect(agent.health().ready).toBe(false);
      await ctx.bus.publish('node.heartbeat', {
        node: 'sidecar-1',
        agentIds: ['network-proxy'],
        intervalMs: 1,
      });
      await started;
      expect(agent.health()).toMatchObject({ ready: true, details: { sidecarNode: 'sidecar-1' } });
      await ctx.bus.publish('agent.offline', { node: 'sidecar-1', agentIds: ['network-proxy'] });
      expect(agent.health().ready).toBe(false);
      await agent.stop();
      await ctx.bus.close();
    });

    it('when no sidecar is heard within waitMs, rejects with SidecarUnreachableError', async () => {
      jest.useFakeTimers();
      const ctx = testContext();
      const started = new RemoteSidecarAgent({ waitMs: 5_000 }).start(ctx);
      jest.advanceTimersByTime(5_000);
      await expect(started).rejects.toBeInstanceOf(SidecarUnreachableError);
      await ctx.bus.close();
    });

    it('when the stop signal aborts while waiting, rejects at once instead of waiting out waitMs (regression)', async () => {
      jest.useFakeTimers();
      const controller = new AbortController();
      const ctx = testContext({}, 'sarah-1', controller.signal);
      const timersBefore = jest.getTimerCount();
      const started = new RemoteSidecarAgent({ waitMs: 30_000 }).start(ctx);
      controller.abort(new Error('stopping'));
      await expect(started).rejects.toBeInstanceOf(AgentLifecycleError);
      expect(jest.getTimerCount()).toBe(timersBefore); // the waitMs timer is cleared
      await ctx.bus.close();
    });

    it('when the stop signal is already aborted, rejects without subscribing', async () => {
      const controller = new AbortController();
      controller.abort();
      const ctx = testContext({}, 'sarah-1', controller.signal);
      await expect(new RemoteSidecarAgent().start(ctx)).rejects.toMatchObject({
        code: 'SLIP_ERR_AGENT_LIFECYCLE',
      });
      await ctx.bus.close();
    });
  });

  describe('constructor', () => {
    it('when waitMs is not a positive integer, throws a ConfigError naming it', () => {
      expect(() => new RemoteSidecarAgent({ waitMs: -1 })).toThrow(ConfigError);
      expect(() => new RemoteSidecarAgent({ waitMs: -1 })).toThrow(/waitMs/);
    });
  });
});
