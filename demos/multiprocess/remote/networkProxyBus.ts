import type { Disposer, EventBus, RequestOptions } from '@slipstream/contracts';
import type { SarahNetwork } from '@slipstream/agent-sarah';

/** A request as it crosses the bus to the sidecar (no signal: a deadline travels as `timeoutMs`). */
export interface ProxyHttpRequest {
  req: Parameters<SarahNetwork['request']>[0];
  opts: { priority?: string; timeoutMs?: number };
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
  opts: { cluster?: string; priority?: 'critical' | 'standard' | 'bulk'; timeoutMs?: number };
}

/**
 * The proxy commands and their request/reply types. They are not in the contracts' `CommandMap`
 * yet (a needed change: `network.proxy.request` / `network.proxy.call`), hence this local map.
 */
export interface ProxyCommandMap {
  'network.proxy.request': { request: ProxyHttpRequest; reply: ProxyHttpResponse };
  'network.proxy.call': { request: ProxyRpcCall; reply: { result: unknown } };
}

/** A proxy command name. */
export type ProxyCommand = keyof ProxyCommandMap;

/** The bus seen through the proxy commands: `request` and `respond` typed by `ProxyCommandMap`. */
export interface NetworkProxyBus {
  request<C extends ProxyCommand>(
    topic: C,
    payload: ProxyCommandMap[C]['request'],
    options?: RequestOptions,
  ): Promise<ProxyCommandMap[C]['reply']>;
  respond<C extends ProxyCommand>(
    topic: C,
    responder: (payload: ProxyCommandMap[C]['request']) => Promise<ProxyCommandMap[C]['reply']>,
  ): Disposer;
}

/**
 * `bus` typed for the proxy commands. The bus carries any dotted topic at run time; only its
 * compile-time command map lacks these two, so this is the one place that widens it.
 */
export function networkProxyBus(bus: EventBus): NetworkProxyBus {
  return bus as unknown as NetworkProxyBus;
}
