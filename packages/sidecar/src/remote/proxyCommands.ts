import type { NetworkCallOptions, NetworkRequest, NetworkRequestOptions } from '@slipstream/contracts';

/** A request as it crosses the bus to the sidecar (no signal: a deadline travels as `timeoutMs`). */
export interface ProxyHttpRequest {
  req: NetworkRequest;
  opts: Omit<NetworkRequestOptions, 'signal'>;
}

/** The sidecar's answer to a `ProxyHttpRequest`: the response with its body read as text. */
export interface ProxyHttpResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** A JSON-RPC call as it crosses the bus to the sidecar's batcher. */
export interface ProxyRpcCall {
  method: string;
  params?: unknown;
  opts: Omit<NetworkCallOptions, 'signal'>;
}

/**
 * The proxy commands, merged into the contracts' `CommandMap` (TypeScript declaration
 * merging), so `bus.request('network.proxy.request', …)` and `bus.respond(…)` are typed like
 * every other command wherever this package is imported.
 */
declare module '@slipstream/contracts' {
  interface CommandMap {
    /** A remote agent's HTTP request, sent by the sidecar's pipeline (answered by `NetworkProxyAgent`). */
    'network.proxy.request': { request: ProxyHttpRequest; reply: ProxyHttpResponse };
    /** A remote agent's JSON-RPC call, batched by the sidecar's batcher (answered by `NetworkProxyAgent`). */
    'network.proxy.call': { request: ProxyRpcCall; reply: { result: unknown } };
  }
}
