import { ConfigError } from '@slipstream/contracts';
import type { NetworkMetricsSnapshot } from '@slipstream/contracts';
import { MetricsRegistry } from '../registry/MetricsRegistry';
import { FakeBus, RecordingLogger } from '../test/fakes';
import { SnapshotPublisher } from './SnapshotPublisher';

describe('SnapshotPublisher', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  describe('.start()', () => {
    it('when running, publishes a snapshot every interval until stopped', () => {
      const registry = new MetricsRegistry();
      const bus = new FakeBus();
      const publisher = new SnapshotPublisher(registry, bus.asBus(), new RecordingLogger(), {
        snapshotIntervalMs: 1_000,
      });
      publisher.start();
      registry.recordRequest({ cluster: 'c', endpoint: 'e', route: 'r', qosClass: 'q', durationMs: 1 });
      jest.advanceTimersByTime(3_000);
      publisher.stop();
      jest.advanceTimersByTime(3_000);
      const snapshots = bus.on('network.metrics.snapshot') as NetworkMetricsSnapshot[];
      expect(snapshots).toHaveLength(3);
      expect(snapshots[0]!.metricsCollected).toBe(2);
    });

    it('when the interval is 0, publishes nothing', () => {
      const bus = new FakeBus();
      const publisher = new SnapshotPublisher(new MetricsRegistry(), bus.asBus(), new RecordingLogger(), {
        snapshotIntervalMs: 0,
      });
      publisher.start();
      jest.advanceTimersByTime(60_000);
      expect(bus.published).toHaveLength(0);
    });
  });

  describe('.setIntervalMs()', () => {
    it('when running, restarts the timer with the new period; 0 stops it', () => {
      const bus = new FakeBus();
      const publisher = new SnapshotPublisher(new MetricsRegistry(), bus.asBus(), new RecordingLogger(), {
        snapshotIntervalMs: 1_000,
      });
      publisher.start();
      publisher.setIntervalMs(250);
      jest.advanceTimersByTime(1_000);
      expect(bus.published).toHaveLength(4);
      publisher.setIntervalMs(0);
      jest.advanceTimersByTime(10_000);
      expect(bus.published).toHaveLength(4);
      publisher.setIntervalMs(500);
      jest.advanceTimersByTime(1_000);
      expect(bus.published).toHaveLength(6);
      publisher.stop();
      publisher.setIntervalMs(100);
      jest.advanceTimersByTime(1_000);
      expect(bus.published).toHaveLength(6);
    });

    it('when negative, throws a ConfigError and keeps the period', () => {
      const publisher = new SnapshotPublisher(
        new MetricsRegistry(),
        new FakeBus().asBus(),
        new RecordingLogger(),
      );
      expect(() => publisher.setIntervalMs(-5)).toThrow(ConfigError);
      expect(publisher.intervalMs).toBe(10_000);
    });
  });

  describe('.publishNow()', () => {
    it('when a stats source throws in the timer, logs it instead of crashing (regression)', () => {
      const registry = new MetricsRegistry();
      registry.registerSource('pools', () => {
        throw new Error('source broke');
      });
      const bus = new FakeBus();
      const logger = new RecordingLogger();
      const publisher = new SnapshotPublisher(registry, bus.asBus(), logger, { snapshotIntervalMs: 1_000 });
      publisher.start();
      expect(() => jest.advanceTimersByTime(2_000)).not.toThrow();
      publisher.stop();
      expect(bus.published).toHaveLength(0);
      expect(logger.lines.filter((l) => l.message === 'metrics snapshot not taken')).toHaveLength(2);
    });
  });

  describe('constructor', () => {
    it('when the interval is negative, throws a ConfigError', () => {
      expect(
        () =>
          new SnapshotPublisher(new MetricsRegistry(), new FakeBus().asBus(), new RecordingLogger(), {
            snapshotIntervalMs: -1,
          }),
      ).toThrow(ConfigError);
    });
  });
});
