import type { ChildProcess } from 'node:child_process';
import type { Behaviour, BehaviourRule } from '../behaviour/Behaviour';
import type { UpstreamCounters } from '../counters/UpstreamCounters';
import { adminRequest } from './adminRequest';

/** Where a spawned upstream listens. */
export interface SpawnedUpstreamAddress {
  port: number;
  adminPort: number;
  seed: number;
}

/**
 * An upstream running in a child process, driven over its admin API. It has the methods of
 * `Upstream`, all async, plus `kill()`; `close()` ends the process.
 */
export class SpawnedUpstream {
  /** Base URL, `http(s)://127.0.0.1:<port>`; the same as `origin`. */
  readonly url: string;
  /** `http(s)://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The upstream's port. */
  readonly port: number;
  /** The PRNG seed in use. */
  readonly seed: number;
  /** Base URL of the admin API. */
  readonly adminUrl: string;
  private readonly adminPort: number;

  constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
    address: SpawnedUpstreamAddress,
    /** Whether the upstream serves HTTPS (its `tls` option). Defaults to false. */
    secure = false,
  ) {
    this.port = address.port;
    this.adminPort = address.adminPort;
    this.seed = address.seed;
    this.origin = `${secure ? 'https' : 'http'}://127.0.0.1:${this.port}`;
    this.url = this.origin;
    this.adminUrl = `http://127.0.0.1:${this.adminPort}`;
  }

  /** The child's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** A snapshot of the counters. */
  async counters(): Promise<UpstreamCounters> {
    return (await this.admin('GET', '/counters')) as UpstreamCounters;
  }

  /** Zeroes the counters. */
  async resetCounters(): Promise<void> {
    await this.admin('POST', '/reset-counters');
  }

  /** Replaces the rules (an array) or the default behaviour (an object). Rejects with `ConfigError` when invalid. */
  async setBehaviour(config: readonly BehaviourRule[] | Behaviour): Promise<void> {
    await this.admin('PUT', '/behaviour', { config });
  }

  /** Makes the health endpoint answer 200 (true) or 503 (false). */
  async setHealthy(healthy: boolean): Promise<void> {
    await this.admin('PUT', '/healthy', { healthy });
  }

  /** Closes every idle keep-alive socket. */
  async closeIdleConnections(): Promise<void> {
    await this.admin('POST', '/close-idle');
  }

  /** Resolves once `n` requests are in flight; rejects with `WaitTimeoutError` after `timeoutMs`. */
  async waitForInFlight(n: number, timeoutMs?: number): Promise<void> {
    await this.admin('POST', '/wait-in-flight', { n, timeoutMs });
  }

  /** Stops listening and destroys open sockets; the admin API stays up. */
  async stop(): Promise<void> {
    await this.admin('POST', '/stop');
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    await this.admin('POST', '/restart');
  }

  /** Sends `signal` to the process (default SIGKILL, a crash) and resolves once it has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }

  /** Shuts the process down (SIGTERM: it closes its servers and exits) and resolves once it has exited. */
  close(): Promise<void> {
    return this.kill('SIGTERM');
  }

  private admin(method: string, path: string, body?: unknown): Promise<unknown> {
    return adminRequest(this.adminPort, method, path, body);
  }
}
