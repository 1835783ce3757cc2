import type { Behaviour, BehaviourRule } from '../behaviour/Behaviour';
import type { UpstreamCounters } from '../counters/UpstreamCounters';

/** A running upstream HTTP server on 127.0.0.1 whose behaviour tests set and whose counters they read. */
export interface Upstream {
  /** Base URL, `http://127.0.0.1:<port>` (no trailing slash); the same as `origin`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The bound port; kept across `stop()` / `restart()`. */
  readonly port: number;
  /** The PRNG seed in use, to reproduce a run. */
  readonly seed: number;
  /** A snapshot of the counters. */
  counters(): UpstreamCounters;
  /** Zeroes the counters (open connections and in-flight requests stay as they are). */
  resetCounters(): void;
  /** Replaces the rules (an array) or the default behaviour (an object). Throws `ConfigError` when invalid. */
  setBehaviour(config: readonly BehaviourRule[] | Behaviour): void;
  /** Makes the health endpoint answer 200 (true) or 503 (false). */
  setHealthy(healthy: boolean): void;
  /** Closes every keep-alive socket that has no request in flight (a client reusing one sees a closed socket). */
  closeIdleConnections(): void;
  /** Resolves once `n` requests are in flight; rejects with `WaitTimeoutError` after `timeoutMs`. */
  waitForInFlight(n: number, timeoutMs?: number): Promise<void>;
  /** Stops listening and destroys every open socket: new connections are refused. */
  stop(): Promise<void>;
  /** Listens again on the same port after `stop()`. */
  restart(): Promise<void>;
  /** Stops for good; `restart()` then throws `UpstreamClosedError`. */
  close(): Promise<void>;
}
