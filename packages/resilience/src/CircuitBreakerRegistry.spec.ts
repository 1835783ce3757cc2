import {
  BrokenCircuitError,
  ConfigError,
  RequestTimeoutError,
  UpstreamStatusError,
} from '@slipstream/contracts';
import type { BreakerEvent, EventBus } from '@slipstream/contracts';
import { CircuitBreakerRegistry } from './CircuitBreakerRegistry';

function fakeBus(): EventBus & { published: Array<[string, BreakerEvent]> } {
  const published: Array<[string, BreakerEvent]> = [];
  return {
    published,
    publish: (topic: string, payload: BreakerEvent) => {
      published.push([topic, payload]);
      return Promise.resolve();
    },
  } as unknown as EventBus & { published: Array<[string, BreakerEvent]> };
}

const fail503 = () => Promise.reject(new UpstreamStatusError(503, 'unavailable'));

describe(CircuitBreakerRegistry, () => {
  let registry: CircuitBreakerRegistry;
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => {
    registry.shutdown();
    jest.useRealTimers();
  });

  describe('.execute()', () => {
    it('when an endpoint keeps failing: closed → open (fail fast) → half-open (exactly one probe) → closed', async () => {
      const bus = fakeBus();
      registry = new CircuitBreakerRegistry(bus, undefined, { cluster: 'api' });
      const key = 'http://a:1';
      for (let i = 0; i < 5; i++)
        await expect(registry.execute(key, fail503)).rejects.toThrow(UpstreamStatusError);
      expect(registry.state(key)).toBe('open');

      const fn = jest.fn(() => Promise.resolve('never'));
      await expect(registry.execute(key, fn)).rejects.toThrow(BrokenCircuitError);
      await expect(registry.execute(key, fn, { fallback: () => 'cached' })).resolves.toBe('cached');
      expect(fn).not.toHaveBeenCalled();

      await jest.advanceTimersByTimeAsync(60_000);
      expect(registry.state(key)).toBe('halfOpen');
      let releaseProbe!: (v: string) => void;
      const probe = registry.execute(key, () => new Promise<string>((r) => (releaseProbe = r)));
      await expect(registry.execute(key, fn)).rejects.toThrow(BrokenCircuitError);
      releaseProbe('ok');
      await expect(probe).resolves.toBe('ok');
      expect(registry.state(key)).toBe('closed');

      expect(bus.published.map(([topic, e]) => [topic, e.from, e.to, e.cluster])).toEqual([
        ['network.breaker.opened', 'closed', 'open', 'api'],
        ['network.breaker.halfOpen', 'open', 'halfOpen', 'api'],
        ['network.breaker.closed', 'halfOpen', 'closed', 'api'],
      ]);
      expect(bus.published[0]![1].reason).toMatch(/5 of 5 calls failed.*status 503/);
      expect(registry.stats()).toEqual([
        expect.objectContaining({
          endpoint: key,
          state: 'closed',
          failures: 5,
          rejects: 3,
          fallbacks: 1,
          opens: 1,
        }),
      ]);
    });

    it('when the half-open probe fails, opens again', async () => {
      registry = new CircuitBreakerRegistry(undefined, undefined, { resetTimeoutMs: 1_000 });
      for (let i = 0; i < 5; i++) await registry.execute('k', fail503).catch(() => undefined);
      await jest.advanceTimersByTimeAsync(1_000);
      await expect(registry.execute('k', fail503)).rejects.toThrow(UpstreamStatusError);
      expect(registry.state('k')).toBe('open');
    });

    it('when a call exceeds timeoutMs, aborts its signal and rejects with RequestTimeoutError', async () => {
      registry = new CircuitBreakerRegistry(undefined, undefined, { timeoutMs: 500 });
      let seen: AbortSignal | undefined;
      const result = registry.execute('k', (signal) => {
        seen = signal;
        return new Promise(() => undefined);
      });
      const settled = expect(result).rejects.toThrow(RequestTimeoutError);
      await jest.advanceTimersByTimeAsync(500);
      await settled;
      expect(seen!.aborted).toBe(true);
      expect(registry.stats()[0]).toMatchObject({ timeouts: 1, failures: 1 });
    });

    it('when calls fail with 4xx, the circuit stays closed', async () => {
      registry = new CircuitBreakerRegistry();
      for (let i = 0; i < 10; i++)
        await expect(
          registry.execute('k', () => Promise.reject(new UpstreamStatusError(404, 'nf'))),
        ).rejects.toThrow();
      expect(registry.state('k')).toBe('closed');
    });
  });

  describe('.updateOptions()', () => {
    it('when an option is invalid, throws ConfigError naming field, expected and received', () => {
      registry = new CircuitBreakerRegistry();
      expect(() => registry.updateOptions({ errorThresholdPercentage: 0 })).toThrow(ConfigError);
      expect(() => registry.updateOptions({ timeoutMs: -5 })).toThrow(
        /timeoutMs: expected a positive number of ms, received -5/,
      );
      expect(registry.currentOptions.timeoutMs).toBe(10_000);
    });

    it('when the volume threshold changes, new breakers use it', async () => {
      registry = new CircuitBreakerRegistry();
      await registry.execute('k', () => Promise.resolve(1));
      registry.updateOptions({ volumeThreshold: 2 });
      for (let i = 0; i < 2; i++) await registry.execute('k', fail503).catch(() => undefined);
      expect(registry.state('k')).toBe('open');
    });
  });

  describe('.execute() with releasesSignal', () => {
    it("when calls release their signal, a settled call's signal is reused, and a timed-out (aborted) one never is", async () => {
      registry = new CircuitBreakerRegistry(undefined, undefined, { timeoutMs: 100 });
      const signals: AbortSignal[] = [];
      const record = (signal: AbortSignal) => {
        signals.push(signal);
        return Promise.resolve('ok');
      };
      await registry.execute('k', record, { releasesSignal: true });
      await registry.execute('k', record, { releasesSignal: true });
      expect(signals[1]).toBe(signals[0]);
      await registry.execute('k', record);
      expect(signals[2]).not.toBe(signals[0]);

      const hanging = registry.execute(
        'k',
        (signal) => {
          signals.push(signal);
          return new Promise<string>(() => undefined);
        },
        { releasesSignal: true },
      );
      const settled = expect(hanging).rejects.toThrow(RequestTimeoutError);
      await jest.advanceTimersByTimeAsync(100);
      await settled;
      expect(signals[3]!.aborted).toBe(true);
      await registry.execute('k', record, { releasesSignal: true });
      expect(signals[4]).not.toBe(signals[3]);
      expect(signals[4]!.aborted).toBe(false);
    });
  });

  describe('.updateOptions() per cluster', () => {
    it("when options name a cluster, only that cluster's breakers use them and events carry the cluster", async () => {
      const bus = fakeBus();
      registry = new CircuitBreakerRegistry(bus, undefined, { volumeThreshold: 5 });
      registry.updateOptions({ cluster: 'fragile', volumeThreshold: 2, resetTimeoutMs: 1_000 });
      const key = 'http://a:1';
      for (let i = 0; i < 2; i++) {
        await expect(registry.execute(key, fail503, { cluster: 'fragile' })).rejects.toThrow(
          UpstreamStatusError,
        );
        await expect(registry.execute(key, fail503, { cluster: 'sturdy' })).rejects.toThrow(
          UpstreamStatusError,
        );
      }
      expect(registry.state(key, 'fragile')).toBe('open');
      expect(registry.state(key, 'sturdy')).toBe('closed');
      expect(registry.optionsFor('fragile')).toMatchObject({ volumeThreshold: 2, resetTimeoutMs: 1_000 });
      expect(registry.optionsFor('sturdy')).toMatchObject({ volumeThreshold: 5, resetTimeoutMs: 60_000 });
      expect(bus.published.map(([topic, e]) => [topic, e.cluster])).toEqual([
        ['network.breaker.opened', 'fragile'],
      ]);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(registry.state(key, 'fragile')).toBe('halfOpen');
      expect(registry.stats()).toHaveLength(2);
      // Regression: BreakerStats.cluster was never filled, so one endpoint's two breakers were indistinguishable.
      expect(registry.stats().map((b) => [b.cluster, b.state])).toEqual([
        ['fragile', 'halfOpen'],
        ['sturdy', 'closed'],
      ]);
    });

    it('when the base options change later, a cluster keeps its own overrides on top', () => {
      registry = new CircuitBreakerRegistry(undefined, undefined);
      registry.updateOptions({ cluster: 'api', timeoutMs: 500 });
      registry.updateOptions({ timeoutMs: 2_000, resetTimeoutMs: 5_000 });
      expect(registry.optionsFor('api')).toMatchObject({
        cluster: 'api',
        timeoutMs: 500,
        resetTimeoutMs: 5_000,
      });
      expect(registry.currentOptions).toMatchObject({ timeoutMs: 2_000, resetTimeoutMs: 5_000 });
    });

    it("when a cluster's options are invalid, throws ConfigError and keeps the old ones", () => {
      registry = new CircuitBreakerRegistry(undefined, undefined);
      registry.updateOptions({ cluster: 'api', timeoutMs: 500 });
      expect(() => registry.updateOptions({ cluster: 'api', timeoutMs: -1 })).toThrow(ConfigError);
      expect(registry.optionsFor('api')).toMatchObject({ timeoutMs: 500 });
    });
  });
});
