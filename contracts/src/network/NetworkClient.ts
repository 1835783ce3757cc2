/** A request an agent sends through the network pipeline. */
export interface NetworkRequest {
  /** HTTP method. Defaults to 'GET'. */
  method?: string;
  /** Path with query, e.g. `/users?id=1`. */
  path: string;
  /** Request headers, lower-case names. Defaults to none. */
  headers?: Record<string, string>;
  /** Request body. Defaults to none. */
  body?: string | Uint8Array;
  /** Host the route table may match on. Defaults to none. */
  host?: string;
  /** Cluster to send to when no route matches. Defaults to none (a route must match). */
  cluster?: string;
}

/** Per-request options of `NetworkClient.request()`. */
export interface NetworkRequestOptions {
  /** QoS class; overrides the route's. Defaults to the route's class, else the client's default. */
  priority?: string;
  /** Sticky-session key for consistent hashing. Defaults to none. */
  stickyKey?: string;
  /** Aborts the request wherever it is. Defaults to none. */
  signal?: AbortSignal;
  /** Overall deadline from the call, ms. Defaults to the route's, else none. */
  timeoutMs?: number;
}

/** A response as the network client hands it back, its body read. */
export interface NetworkResponse {
  /** HTTP status code. */
  statusCode: number;
  /** Response headers, lower-case names. */
  headers: Record<string, unknown>;
  /** The body decoded as UTF-8. */
  text(): string;
}

/** Options of `NetworkClient.call()`. */
export interface NetworkCallOptions {
  /** Cluster whose batch endpoint takes the call. Defaults to the first configured cluster. */
  cluster?: string;
  /** `critical` flushes the batch at once; `bulk` yields. Defaults to 'standard'. */
  priority?: 'critical' | 'standard' | 'bulk';
  /** Aborts this call only. Defaults to none. */
  signal?: AbortSignal;
  /** Rejects the call when unsettled this long after the call, ms. Defaults to none. */
  timeoutMs?: number;
}

/**
 * What an agent needs of the network pipeline, whatever carries it: the in-process
 * `NetworkClient` of `@slipstream/client` (bound to `TOKENS.NetworkClient`) or a remote one
 * that reaches a sidecar in another process (`RemoteNetworkClient` of `@slipstream/sidecar`).
 */
export interface NetworkClient {
  /** Sends a request through the pipeline; resolves with the response, whatever its status. */
  request(req: NetworkRequest, opts?: NetworkRequestOptions): Promise<NetworkResponse>;
  /** Queues one JSON-RPC call in the cluster's batcher; resolves with its own result. */
  call<T = unknown>(method: string, params?: unknown, opts?: NetworkCallOptions): Promise<T>;
}
