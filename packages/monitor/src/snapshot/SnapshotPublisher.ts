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
  #intervalMs: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @inject(TOKENS.MetricsRegistry) private readonly registry: MetricsRegistry,
    @inject(TOKENS.EventBus) private readonly bus: EventBus,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(MONITOR_TOKENS.SnapshotPublisherOptions) @optional() options: SnapshotPublisherOptions = {},
  ) {
    this.#intervalMs = options.snapshotIntervalMs ?? DEFAULTS.snapshotIntervalMs;
    SnapshotPublisher.checkIntervalMs(this.#intervalMs);
  }

  /** Period in force, ms; 0 when off. */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Starts publishing (no timer while the interval is 0; no-op when it already runs). The timer is unref'd. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  /** Stops publishing. */
  stop(): void {
    this.running = false;
    this.arm();
  }

  /**
   * Sets the period, ms (0 turns publishing off); when running, the timer restarts with it.
   * Throws a `ConfigError` naming `snapshotIntervalMs` (and keeps the old one) unless it is ≥ 0.
   */
  setIntervalMs(intervalMs: number): void {
    SnapshotPublisher.checkIntervalMs(intervalMs);
    this.#intervalMs = intervalMs;
    this.arm();
  }

  /** Publishes one snapshot now. A stats source that throws is logged, never thrown (this runs in a timer). */
  publishNow(): void {
    let snapshot;
    try {
      snapshot = this.registry.snapshot();
    } catch (err) {
      this.logger.warn('metrics snapshot not taken', { error: err });
      return;
    }
    this.bus.publish('network.metrics.snapshot', snapshot).catch((err: unknown) => {
      this.logger.warn('metrics snapshot not published', { error: err });
    });
  }

  /** (Re)creates the timer for the state and period in force. */
  private arm(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.running || this.#intervalMs === 0) return;
    this.timer = setInterval(() => this.publishNow(), this.#intervalMs);
    this.timer.unref();
  }

  private static checkIntervalMs(intervalMs: number): void {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new ConfigError([
        { path: 'snapshotIntervalMs', expected: 'a number of ms ≥ 0', received: String(intervalMs) },
      ]);
    }
  }
}
