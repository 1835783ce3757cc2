import { ConfigError } from '@slipstream/contracts';
import type { AlertRuleConfig, BreakerStats } from '@slipstream/contracts';
import { MetricsRegistry } from '../registry/MetricsRegistry';
import type { SeriesLabels } from '../registry/RequestOutcome';
import { FakeBus, RecordingLogger } from '../test/fakes';
import { AlertManager } from './AlertManager';

const A: SeriesLabels = { cluster: 'users', endpoint: 'http://a:1', route: 'r', qosClass: 'standard' };

describe('AlertManager', () => {
  let registry: MetricsRegistry;
  let bus: FakeBus;
  let logger: RecordingLogger;
  let manager: AlertManager;

  const make = (rules: AlertRuleConfig[]): AlertManager =>
    new AlertManager(registry, bus.asBus(), logger, { rules, evaluationIntervalMs: 1_000 });

  /** Records `n` requests at the current (fake) time, `failed` of them as 5xx. */
  const traffic = (n: number, failed: number): void => {
    for (let i = 0; i < n; i++)
      registry.recordRequest({ ...A, durationMs: 5, errorKind: i < failed ? '5xx' : undefined });
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    registry = new MetricsRegistry({ windowMs: 10_000, windowSlots: 10 });
    bus = new FakeBus();
    logger = new RecordingLogger();
  });
  afterEach(() => {
    manager?.stop();
    jest.useRealTimers();
  });

  describe('.start()', () => {
    it('when an error-rate episode breaches for forMs and recovers past the hysteresis, fires and resolves exactly once', () => {
      manager = make([
        {
          name: 'errors',
          metric: 'errorRate',
          comparator: '>',
          threshold: 0.2,
          forMs: 3_000,
          hysteresis: 0.1,
          cluster: 'users',
        },
      ]);
      manager.start();
      // healthy traffic
      for (let s = 0; s < 5; s++) {
        traffic(10, 0);
        jest.advanceTimersByTime(1_000);
      }
      expect(bus.published).toHaveLength(0);
      // the episode: half the requests fail for 8 s
      for (let s = 0; s < 8; s++) {
        traffic(10, 10);
        jest.advanceTimersByTime(1_000);
        if (s === 1) expect(bus.on('network.alert.fired')).toHaveLength(0); // still pending
      }
      expect(bus.on('network.alert.fired')).toHaveLength(1);
      expect(manager.firing()).toHaveLength(1);
      // recovery: clean traffic until the window forgets the failures
      for (let s = 0; s < 20; s++) {
        traffic(10, 0);
        jest.advanceTimersByTime(1_000);
      }
      expect(bus.on('network.alert.fired')).toHaveLength(1);
      expect(bus.on('network.alert.resolved')).toHaveLength(1);
      expect(bus.on('network.alert.fired')[0]).toMatchObject({
        rule: 'errors',
        cluster: 'users',
        threshold: 0.2,
      });
      expect(manager.alertsFired).toBe(1);
      expect(manager.firing()).toHaveLength(0);
      expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
      expect(logger.lines.filter((l) => l.level === 'info')).toHaveLength(1);
    });

    it('when the value hovers between threshold and hysteresis, stays firing without re-firing', () => {
      const breakers: BreakerStats[] = [];
      registry.registerSource('breakers', () => breakers);
      manager = make([
        {
          name: 'open',
          metric: 'breakerOpen',
          comparator: '>',
          threshold: 1,
          hysteresis: 1,
          severity: 'critical',
        },
      ]);
      manager.start();
      const breaker = (state: BreakerStats['state']): BreakerStats => ({
        endpoint: 'x',
        state,
        successes: 0,
        failures: 0,
        timeouts: 0,
        rejects: 0,
        fallbacks: 0,
        opens: 0,
        halfOpens: 0,
        closes: 0,
      });
      breakers.push(breaker('open'), breaker('open'));
      jest.advanceTimersByTime(1_000);
      breakers.pop(); // 1 open: not above 1, but not ≤ 0 either
      jest.advanceTimersByTime(5_000);
      expect(bus.on('network.alert.fired')).toHaveLength(1);
      expect(bus.on('network.alert.resolved')).toHaveLength(0);
      breakers.pop();
      jest.advanceTimersByTime(1_000);
      expect(bus.on('network.alert.resolved')).toHaveLength(1);
      expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    });

    it('when a breach is shorter than forMs, never fires', () => {
      manager = make([
        { name: 'slow', metric: 'latencyP99', comparator: '>', threshold: 100, forMs: 15_000 },
      ]);
      manager.start();
      registry.recordRequest({ ...A, durationMs: 500 });
      // the slow sample leaves the 10 s window before the 15 s are up
      jest.advanceTimersByTime(30_000);
      expect(bus.published).toHaveLength(0);
    });
  });

  describe('.evaluate()', () => {
    it('when a stats source throws in the timer, logs it and evaluates the other rules (regression: crashed the process)', () => {
      registry.registerSource('breakers', () => {
        throw new Error('source broke');
      });
      manager = make([
        { name: 'open', metric: 'breakerOpen', comparator: '>', threshold: 0 },
        { name: 'health', metric: 'healthScore', comparator: '<', threshold: 80 },
      ]);
      manager.start();
      traffic(10, 5);
      expect(() => jest.advanceTimersByTime(2_000)).not.toThrow();
      expect(bus.on('network.alert.fired')).toMatchObject([{ rule: 'health' }]);
      expect(logger.lines.filter((l) => l.message === 'alert rule not evaluated')).toHaveLength(2);
    });

    it("when health drops below a '<' rule's floor, fires", () => {
      manager = make([{ name: 'health', metric: 'healthScore', comparator: '<', threshold: 80 }]);
      traffic(10, 5);
      manager.evaluate();
      expect(bus.on('network.alert.fired')).toHaveLength(1);
    });

    it('when shed requests exceed the rate, fires', () => {
      manager = make([{ name: 'shed', metric: 'shedRate', comparator: '>', threshold: 0.1 }]);
      registry.recordRequest({ ...A, durationMs: 1, errorKind: 'shed' });
      registry.recordRequest({ ...A, durationMs: 1 });
      manager.evaluate();
      expect(bus.on('network.alert.fired')[0]).toMatchObject({ value: 0.5 });
    });
  });

  describe('.setRules()', () => {
    it('when a rule is invalid, throws a ConfigError naming each field and keeps the old rules', () => {
      manager = make([{ name: 'ok', metric: 'errorRate', comparator: '>', threshold: 0.5 }]);
      const bad = [
        { name: 'ok', metric: 'nope', comparator: '>', threshold: Number.NaN, forMs: -1 },
      ] as unknown as AlertRuleConfig[];
      expect(() => manager.setRules(bad)).toThrow(ConfigError);
      expect(() => manager.setRules(bad)).toThrow(
        /alertRules\[0\]\.metric.*alertRules\[0\]\.threshold.*alertRules\[0\]\.forMs/,
      );
      traffic(2, 2);
      manager.evaluate();
      expect(bus.on('network.alert.fired')).toHaveLength(1);
    });
  });
});
