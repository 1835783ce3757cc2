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
