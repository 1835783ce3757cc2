import { injectable, unmanaged } from 'inversify';
import { healthCheckSchema, parseConfig } from '@slipstream/config';
import type { Disposer, HealthCheckConfig } from '@slipstream/contracts';
import { httpProbe } from './httpProbe';
import type { HealthProbe } from './httpProbe';
import type { RandomSource } from './random';

/** Settings of active health checks (the `healthCheck` part of a cluster's config). */
export type HealthCheckOptions = HealthCheckConfig;

/** Defaults of `HealthCheckOptions`. */
export const HEALTH_CHECK_DEFAULTS = Object.freeze({
  path: '/health',
  intervalMs: 5_000,
  jitter: 0.1,
  timeoutMs: 1_000,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
});

/** What a health checker watches: a cluster, or anything shaped like one. */
export interface HealthTarget {
  readonly name: string;
  readonly endpoints: readonly { readonly origin: string }[];
  setHealthy(origin: string, healthy: boolean): void;
}

/** What a health checker is built with. */
export interface HealthCheckerDeps {
  /** Defaults to `httpProbe` (undici GET, 2xx = healthy). */
  probe?: HealthProbe;
  /** Jitter source. Defaults to `Math.random`. */
  random?: RandomSource;
}

interface Streak {
  passes: number;
  fails: number;
}

/**
 * Active health checks: every interval (plus up to `jitter` × interval at random, so probes
 * of many sidecars do not align) probes each endpoint of a target with a timeout; after
 * `unhealthyThreshold` failures in a row marks it unhealthy, after `healthyThreshold`
 * passes in a row healthy again. Timers are unref'd.
 */
@injectable()
export class HealthChecker {
  private readonly probe: HealthProbe;
  private readonly random: RandomSource;
  private readonly watches = new Set<Disposer>();

  constructor(@unmanaged() deps: HealthCheckerDeps = {}) {
    this.probe = deps.probe ?? httpProbe;
    this.random = deps.random ?? Math.random;
  }

  /** Starts probing `target`'s endpoints; the disposer stops it and aborts probes in flight. */
  watch(target: HealthTarget, options: HealthCheckOptions = {}): Disposer {
    const o = resolveHealthCheckOptions(options);
    const streaks = new Map<string, Streak>();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;

    const probeOne = async (origin: string): Promise<void> => {
      const attempt = new AbortController();
      const abort = (): void => attempt.abort();
      controller.signal.addEventListener('abort', abort);
      const timeout = setTimeout(abort, o.timeoutMs);
      timeout.unref();
      let ok: boolean;
      try {
        ok = await this.probe(origin, o.path, attempt.signal);
      } catch {
        ok = false;
      } finally {
        clearTimeout(timeout);
        controller.signal.removeEventListener('abort', abort);
      }
      if (controller.signal.aborted) return;
      const previous = streaks.get(origin) ?? { passes: 0, fails: 0 };
      const streak = ok
        ? { passes: previous.passes + 1, fails: 0 }
        : { passes: 0, fails: previous.fails + 1 };
      streaks.set(origin, streak);
      if (streak.passes >= o.healthyThreshold) target.setHealthy(origin, true);
      if (streak.fails >= o.unhealthyThreshold) target.setHealthy(origin, false);
    };

    const round = async (): Promise<void> => {
      await Promise.all(target.endpoints.map((e) => probeOne(e.origin)));
      schedule(o.intervalMs);
    };

    const schedule = (baseMs: number): void => {
      if (controller.signal.aborted) return;
      timer = setTimeout(() => void round(), baseMs + this.random() * o.jitter * o.intervalMs);
      timer.unref();
    };

    const dispose: Disposer = () => {
      clearTimeout(timer);
      controller.abort();
      this.watches.delete(dispose);
    };
    this.watches.add(dispose);
    schedule(0);
    return dispose;
  }

  /** Stops every watch. */
  close(): void {
    for (const dispose of [...this.watches]) dispose();
  }
}

/** Fills in defaults and validates; throws `ConfigError` naming each bad field under `healthCheck.`. */
export function resolveHealthCheckOptions(options: HealthCheckOptions): Required<HealthCheckOptions> {
  parseConfig(healthCheckSchema, options, ['healthCheck']);
  return {
    path: options.path ?? HEALTH_CHECK_DEFAULTS.path,
    intervalMs: options.intervalMs ?? HEALTH_CHECK_DEFAULTS.intervalMs,
    jitter: options.jitter ?? HEALTH_CHECK_DEFAULTS.jitter,
    timeoutMs: options.timeoutMs ?? HEALTH_CHECK_DEFAULTS.timeoutMs,
    healthyThreshold: options.healthyThreshold ?? HEALTH_CHECK_DEFAULTS.healthyThreshold,
    unhealthyThreshold: options.unhealthyThreshold ?? HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
  };
}
