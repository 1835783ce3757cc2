/**
 * The real upstream a forwarding upstream sends its traffic to (Envoy's fault filter in front
 * of a real service): requests no injected behaviour answers go there, their answers come back.
 */
export interface ForwardTarget {
  /** `http(s)://host[:port]`, without a path. Required. */
  origin: string;
  /** Path every forwarded request other than JSON-RPC goes to. Defaults to the request's own path and query. */
  path?: string;
  /** Path JSON-RPC bodies (POST to the upstream's `rpcPath`) go to. Defaults to the request's own path. */
  rpcPath?: string;
}
