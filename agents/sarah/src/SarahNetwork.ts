/** The part of the `NetworkClient` (bound to `TOKENS.NetworkClient`) Sarah uses: the only way she reaches the network. */
export interface SarahNetwork {
  /** Sends a request through the pipeline; resolves with the response, whatever its status. */
  request(
    req: { method?: string; path: string; cluster?: string },
    opts?: { priority?: string; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<{ statusCode: number; headers: Record<string, unknown>; text(): string }>;
  /** Queues one JSON-RPC call in the cluster's batcher; resolves with its result. */
  call<T = unknown>(
    method: string,
    params?: unknown,
    opts?: {
      cluster?: string;
      priority?: 'critical' | 'standard' | 'bulk';
      signal?: AbortSignal;
      timeoutMs?: number;
    },
  ): Promise<T>;
}
