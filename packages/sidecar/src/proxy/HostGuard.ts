import type { RouteConfig } from '@slipstream/contracts';

/** Host names by which a client on this machine reaches the sidecar itself. */
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Decides which `Host` values (and absolute-form authorities) the sidecar serves, so it is
 * never an open proxy: the sidecar's own loopback address, and the hosts the route table's
 * host-constrained routes name (a route host without a port matches any port, as the router
 * matches). Everything else is refused before any routing.
 */
export class HostGuard {
  #port = 0;
  /** The route table whose hosts `#routeHosts` holds (a table handed over again is not read again). */
  #routes: readonly RouteConfig[] | undefined;
  #routeHosts: string[] = [];

  /** Sets the port the sidecar listens on (its own address is served). */
  listeningOn(port: number): void {
    this.#port = port;
  }

  /**
   * Takes the host constraints of `routes`: the route table in force, handed over again on every
   * change of it (the sidecar agent follows `NetworkClient.onRoutesChange`). They are derived
   * once per table, never per request.
   */
  setRoutes(routes: readonly RouteConfig[]): void {
    if (routes === this.#routes) return;
    this.#routes = routes;
    this.#routeHosts = routes.flatMap((r) =>
      r.match.host === undefined ? [] : [r.match.host.toLowerCase()],
    );
  }

  /** Whether `host` (a `Host` value, `name[:port]`) is one the sidecar serves. */
  allows(host: string): boolean {
    const value = host.toLowerCase();
    const colon = value.lastIndexOf(':');
    const hasPort = colon > value.lastIndexOf(']');
    const name = hasPort ? value.slice(0, colon) : value;
    const port = hasPort ? Number(value.slice(colon + 1)) : 80;
    if (LOOPBACK_NAMES.has(name) && port === this.#port) return true;
    return this.#routeHosts.some(
      (routeHost) => routeHost === value || (!routeHost.includes(':') && routeHost === name),
    );
  }
}
