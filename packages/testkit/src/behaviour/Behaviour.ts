/** A response latency: fixed milliseconds, or a distribution sampled from the upstream's seeded PRNG. */
export type LatencySpec =
  | number
  | { distribution: 'uniform'; min: number; max: number }
  | { distribution: 'normal'; mean: number; stddev: number }
  | { distribution: 'exponential'; mean: number };

/** A JSON-RPC request id. */
export type RpcId = string | number;

/** Faults injected into the answer of the JSON-RPC endpoint. */
export interface RpcBehaviour {
  /** Calls with these ids are answered with an error object (code -32000) instead of their result. */
  errorIds?: RpcId[];
  /** Calls with these ids get no entry in the response. */
  omitIds?: RpcId[];
  /** Calls with these ids get their entry twice in the response. */
  duplicateIds?: RpcId[];
  /** The whole batch is answered with HTTP 500 and a JSON error body. */
  failBatch?: boolean;
  /** The answer is a 200 whose body is not JSON. */
  malformed?: boolean;
}

/** Slow body: the response body trickles out in chunks. */
export interface SlowBody {
  /** Bytes per chunk. */
  chunkBytes: number;
  /** Pause between chunks, ms. */
  intervalMs: number;
}

/** Response compression the upstream can apply (when the request's Accept-Encoding allows it). */
export type ResponseEncoding = 'gzip' | 'br' | 'deflate';

/**
 * What the upstream does with a request. Every field is optional; an empty behaviour answers
 * 200 with a small JSON echo of method and path (or the route's built-in answer).
 */
export interface Behaviour {
  /** Response status; overrides the route's own. Defaults to the route's (200 for the echo). */
  status?: number;
  /** Delay before anything is sent. Defaults to 0 ms. */
  latencyMs?: LatencySpec;
  /** Probability (0..1) that the request is answered with `errorStatus` instead. Defaults to 0. */
  errorRate?: number;
  /** Status of an injected error. Defaults to 500. */
  errorStatus?: number;
  /** Response body: a string is sent as text, anything else as JSON. Defaults to the route's answer. */
  body?: unknown;
  /** Size of a generated JSON body, bytes (ignored when `body` is set). Defaults to none. */
  bodySize?: number;
  /** Extra response headers. Defaults to none. */
  headers?: Record<string, string>;
  /** `Retry-After` header, seconds (meant with 429/503). Defaults to none. */
  retryAfter?: number;
  /** Reset the connection before the headers (RST) or after them (FIN mid-body). Defaults to none. */
  reset?: 'beforeHeaders' | 'afterHeaders';
  /** Never answer; the request stays in flight until the client or `stop()` ends it. Defaults to false. */
  hang?: boolean;
  /**
   * Serve at most this many such requests at once, the rest waiting in arrival order before
   * their latency starts (an upstream with that many workers, whose latency rises with load).
   * Defaults to no limit.
   */
  maxConcurrent?: number;
  /** Send the body in chunks with pauses. Defaults to all at once. */
  slowBody?: SlowBody;
  /** Compress the body when the request's Accept-Encoding allows it. Defaults to none. */
  compress?: ResponseEncoding;
  /** Send `Content-Encoding: gzip` with bytes that are not gzip. Defaults to false. */
  corruptCompression?: boolean;
  /** Faults of the JSON-RPC endpoint. Defaults to none. */
  rpc?: RpcBehaviour;
}

/** Which requests a rule applies to; every given field must match. */
export interface BehaviourMatch {
  /** HTTP method, case-insensitive. Defaults to any. */
  method?: string;
  /** Exact path (without query). Defaults to any. */
  path?: string;
  /** Path prefix (without query). Defaults to any. */
  pathPrefix?: string;
}

/** One behaviour rule; the first matching rule's behaviour is laid over the default behaviour. */
export interface BehaviourRule {
  match: BehaviourMatch;
  behaviour: Behaviour;
}
