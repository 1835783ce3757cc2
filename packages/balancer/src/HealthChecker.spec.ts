import { ConfigError } from '@slipstream/contracts';
import type { HealthProbe } from './httpProbe';
import { HealthChecker } from './HealthChecker';
import type { HealthTarget } from './HealthChecker';

function target(origins: string[]): HealthTarget & { verdicts: Array<[string, boolean]> } {
  const verdicts: Array<[string, boolean]> = [];
  return {
    name: 't',
    endpoints: origins.map((origin) => ({ origin })),
    setHealthy: (origin, healthy) => verdicts.push([origin, healthy]),
    verdicts,
  };
}

describe(HealthChecker, () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  describe('.watch()', () => {
    it('when probes fail unhealthyThreshold times in a row, marks unhealthy; after healthyThreshold passes, healthy', async () => {
      let up = false;
      const t = target(['http://a:1']);
      const checker = new HealthChecker({ probe: () => Promise.resolve(up), random: () => 0 });
      const stop = checker.watch(t, { intervalMs: 1_000, unhealthyThreshold: 3, healthyThreshold: 2 });
      await jest.advanceTimersByTimeAsync(2_000); // probes at 0, 1000, 2000
      expect(t.verdicts).toEqual([['http://a:1', false]]);
      up = true;
      await jest.advanceTimersByTimeAsync(2_000);
      expect(t.verdicts.at(-1)).toEqual(['http://a:1', true]);
      stop();
    });

    it('when a probe hangs past timeoutMs, aborts it and counts a failure', async () => {
      const signals: AbortSignal[] = [];
      const probe: HealthProbe = (_o, _p, signal) => {
        signals.push(signal);
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      };
      const t = target(['http://a:1']);
      const checker = new HealthChecker({ probe, random: () => 0 });
      checker.watch(t, { intervalMs: 5_000, timeoutMs: 100, unhealthyThreshold: 1 });
      await jest.advanceTimersByTimeAsync(100);
      expect(signals[0]!.aborted).toBe(true);
      expect(t.verdicts).toEqual([['http://a:1', false]]);
      checker.close();
    });

    it('when jitter is set, spreads the interval by up to jitter × interval', async () => {
      const times: number[] = [];
      const checker = new HealthChecker({
        probe: () => {
          times.push(Date.now());
          return Promise.resolve(true);
        },
        random: () => 0.5,
      });
      checker.watch(target(['http://a:1']), { intervalMs: 1_000, jitter: 0.2 });
      await jest.advanceTimersByTimeAsync(2_500);
      expect(times).toEqual([100, 1_200, 2_300]);
      checker.close();
    });

    it('when options are invalid, throws ConfigError naming the field', () => {
      expect(() => new HealthChecker().watch(target([]), { intervalMs: -1 })).toThrow(ConfigError);
      expect(() => new HealthChecker().watch(target([]), { intervalMs: -1 })).toThrow(
        /healthCheck\.intervalMs/,
      );
    });
  });
});
