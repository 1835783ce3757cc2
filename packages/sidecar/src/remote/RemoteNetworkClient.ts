import {
  ConfigError,
  type EventBus,
  type NetworkCallOptions,
  type NetworkClient,
  type NetworkRequest,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@slipstream/contracts';
import './proxyCommands';

/** Options of `RemoteNetworkClient`. */
export interface RemoteNetworkClientOptions {
  /** Bus timeout of a proxied call that names no `timeoutMs`, ms. Defaults to 10_000 ms. */
  defaultTimeoutMs?: number;
  /** Added to a call's own `timeoutMs` for the bus round trip, so the sidecar's timeout fires first, ms. Defaults to 1_000 ms. */
  busMarginMs?: number;
}

const DEFAULTS = Object.freeze({ defaultTimeoutMs: 10_000, busMarginMs: 1_000 });

/**
 * The `NetworkClient` of a process without a sidecar: each request and JSON-RPC call goes as a
 * bus command (`network.proxy.*`) to the `NetworkProxyAgent` beside the sidecar, whose pipeline
 * sends it. A sidecar failure arrives as a `RemoteError` carrying the remote code and
 * `retryable`; a missing sidecar as `NoResponderError`.
 */
export class RemoteNetworkClient implements NetworkClient {
  readonly #bus: EventBus;
  readonly #defaultTimeoutMs: number;
  readonly #busMarginMs: number;

  constructor(bus: EventBus, options: RemoteNetworkClientOptions = {}) {
    this.#bus = bus;
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULTS.defaultTimeoutMs;
    this.#busMarginMs = options.busMarginMs ?? DEFAULTS.busMarginMs;
    for (const [path, value, min] of [
      ['defaultTimeoutMs', this.#defaultTimeoutMs, 1],
      ['busMarginMs', this.#busMarginMs, 0],
    ] as const) {
      if (!Number.isInteger(value) || value < min) {
        const expected = min === 1 ? 'a positive integer (ms)' : 'an integer >= 0 (ms)';
        throw new ConfigError([{ path, expected, received: String(value) }]);
      }
    }
  }

  /** Sends `req` through the remote sidecar; resolves with its response, whatever the status. */
  async request(req: NetworkRequest, opts: NetworkRequestOptions = {}): Promise<NetworkResponse> {
    const { signal, ...rest } = opts;
    const reply = await this.#bus.request(
      'network.proxy.request',
      { req, opts: rest },
      { timeoutMs: this.#busTimeout(rest.timeoutMs), signal },
    );
    return { statusCode: reply.statusCode, headers: reply.headers, text: () => reply.body };
  }

  /** Queues one JSON-RPC call in the remote sidecar's batcher; resolves with its result. */
  async call<T = unknown>(method: string, params?: unknown, opts: NetworkCallOptions = {}): Promise<T> {
    const { signal, ...rest } = opts;
    const reply = await this.#bus.request(
      'network.proxy.call',
      { method, params, opts: rest },
      { timeoutMs: this.#busTimeout(rest.timeoutMs), signal },
    );
    return reply.result as T;
  }

  #busTimeout(timeoutMs: number | undefined): number {
    return timeoutMs === undefined ? this.#defaultTimeoutMs : timeoutMs + this.#busMarginMs;
  }
}
