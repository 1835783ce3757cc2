import type { RequestBody } from '@slipstream/http';

/** A request as an agent hands it to the `NetworkClient`. */
export interface ClientRequest {
  /** HTTP method. Defaults to 'GET'. */
  method?: string;
  /** Path with query, e.g. `/users?id=1`. */
  path: string;
  /** Request headers, lower-case names. */
  headers?: Record<string, string>;
  /**
   * Request body: bytes, or a `Readable` / async iterable sent as it flows with backpressure.
   * A streamed body is read once, so its request is never retried, hedged or replayed (it
   * counts as non-idempotent whatever its method or `idempotent` option).
   */
  body?: RequestBody;
  /** Host the route table may match on. */
  host?: string;
  /** Cluster to send to when no route matches. */
  cluster?: string;
}

/** Per-request options of `NetworkClient.request()` and `NetworkClient.stream()`. */
export interface ClientRequestOptions {
  /** QoS class; overrides the route's. Defaults to the route's class, else the client's default. */
  priority?: string;
  /** Sticky-session key for consistent hashing; wins over the cluster's sticky header or cookie. */
  stickyKey?: string;
  /** Aborts the request wherever it is (queue, backoff, wire; a stream's body too). */
  signal?: AbortSignal;
  /**
   * Overall deadline from the call, ms (admission, retries and backoff included); for `stream()`
   * it ends at the response headers. Defaults to the route's, else none.
   */
  timeoutMs?: number;
  /** Whether the request may be retried. Defaults to true for GET, HEAD, OPTIONS, PUT, DELETE, TRACE. */
  idempotent?: boolean;
  /**
   * Whether the response body is decoded as its `content-encoding` says. False: it is handed over
   * as the upstream sent it, `content-encoding` kept, and no `accept-encoding` is added to the
   * request (the sidecar passes bodies through so). Defaults to true.
   */
  decode?: boolean;
}

/** Options of `NetworkClient.call()`. */
export interface ClientCallOptions {
  /** Cluster whose batch endpoint takes the call. Defaults to the first configured cluster. */
  cluster?: string;
  /** `critical` flushes the batch at once; `bulk` yields. Defaults to 'standard'. */
  priority?: 'critical' | 'standard' | 'bulk';
  /** Aborts this call only. */
  signal?: AbortSignal;
  /** Rejects the call with `RequestTimeoutError` when unsettled this long after the call, ms. Defaults to none. */
  timeoutMs?: number;
  /**
   * Whether the call may run twice: identical concurrent idempotent calls share one upstream
   * execution when batching's `dedupe` is on, and a batch whose calls all are idempotent is
   * retried like an idempotent request. Defaults to false.
   */
  idempotent?: boolean;
}

/** Options of `NetworkClient.notify()`: a notification gets no answer, so it is never shared or retried. */
export type ClientNotifyOptions = Omit<ClientCallOptions, 'idempotent'>;
