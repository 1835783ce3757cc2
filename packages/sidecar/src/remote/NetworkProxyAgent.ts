import {
  TOKENS,
  type Agent,
  type AgentContext,
  type AgentHealth,
  type Disposer,
  type NetworkClient,
} from '@slipstream/contracts';
import './proxyCommands';

/**
 * Runs beside the `NetworkPerformanceAgent` and lets agents of other processes use its
 * pipeline: answers `network.proxy.request` and `network.proxy.call` with the node's
 * `NetworkClient` (`TOKENS.NetworkClient`), so their traffic flows through this one sidecar,
 * which the optimizer tunes and the monitor measures. Counts the calls it served.
 */
export class NetworkProxyAgent implements Agent {
  /** The id remote nodes wait for in heartbeats (see `RemoteSidecarAgent`). */
  static readonly ID = 'network-proxy';
  readonly id = NetworkProxyAgent.ID;
  readonly role = 'Proxy: serves remote agents through the network sidecar';
  readonly capabilities = ['network-proxy'] as const;
  readonly dependsOn = ['network-performance'] as const;
  #disposers: Disposer[] = [];
  #served = { requests: 0, calls: 0 };

  /** Answers the proxy commands with the node's NetworkClient. */
  start(ctx: AgentContext): Promise<void> {
    const network = ctx.services.get<NetworkClient>(TOKENS.NetworkClient);
    const bus = ctx.bus;
    this.#disposers = [
      bus.respond('network.proxy.request', async ({ req, opts }) => {
        const response = await network.request(req, opts);
        this.#served.requests++;
        return { statusCode: response.statusCode, headers: response.headers, body: response.text() };
      }),
      bus.respond('network.proxy.call', async ({ method, params, opts }) => {
        const result = await network.call(method, params, opts);
        this.#served.calls++;
        return { result };
      }),
    ];
    return Promise.resolve();
  }

  /** Stops answering. */
  stop(): Promise<void> {
    for (const dispose of this.#disposers.splice(0)) dispose();
    return Promise.resolve();
  }

  /** Ready while answering; details count the requests and calls served. */
  health(): AgentHealth {
    return { live: true, ready: this.#disposers.length > 0, details: { ...this.#served } };
  }
}
