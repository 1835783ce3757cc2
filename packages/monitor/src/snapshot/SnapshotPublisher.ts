import { inject, injectable, optional } from 'inversify';
import { ConfigError, TOKENS } from '@slipstream/contracts';
import type { EventBus, Logger } from '@slipstream/contracts';
import type { MetricsRegistry } from '../registry/MetricsRegistry';
import { MONITOR_TOKENS } from '../tokens';

/** Options of the `SnapshotPublisher`. */
export interface SnapshotPublisherOptions {
  /** Period of `network.metrics.snapshot`, ms; 0 turns it off. Defaults to 10_000 ms. */
  snapshotIntervalMs?: number;
}

const DEFAULTS = Object.freeze({ snapshotIntervalMs: 10_000 });

/** Publishes the registry's snapshot as `network.metrics.snapshot` every `snapshotIntervalMs`. */
@injectable()
export class SnapshotPublisher {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @inject(TOKENS.MetricsRegistry) private readonly registry: MetricsRegistry,
    @inject(TOKENS.EventBus) private readonly bus: EventBus,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(MONITOR_TOKENS.SnapshotPublisherOptions) @optional() options: SnapshotPublisherOptions = {},
  ) {
    this.intervalMs = options.snapshotIntervalMs ?? DEFAULTS.snapshotIntervalMs;
    if (!Number.isFinite(this.intervalMs) || this.intervalMs < 0) {
      throw new ConfigError([
        { path: 'snapshotIntervalMs', expected: 'a number of ms ≥ 0', received: String(this.intervalMs) },
      ]);
    }
  }

  /** Starts publishing (no-op when the interval is 0 or it already runs). The timer is unref'd. */
  start(): void {
    if (this.timer || this.intervalMs === 0) return;
    this.timer = setInterval(() => this.publishNow(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops publishing. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Publishes one snapshot now. */
  publishNow(): void {
    this.bus.publish('network.metrics.snapshot', this.registry.snapshot()).catch((err: unknown) => {
      this.logger.warn('metrics snapshot not published', { error: err });
    });
  }
}
