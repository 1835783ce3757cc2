/** How one request ended. */
export type RequestOutcome = 'served' | 'reset' | 'aborted';

/** What the upstream saw of one request and sent back. Body bytes only; headers are not counted. */
export interface RequestRecord {
  method: string;
  /** Path without the query. */
  path: string;
  /** Status sent, or 0 when no headers were sent. */
  status: number;
  /** The request's Content-Encoding, `identity` when none. */
  contentEncoding: string;
  /** Request body bytes as received on the wire (possibly compressed). */
  bytesInWire: number;
  /** Request body bytes after decoding. */
  bytesInDecoded: number;
  /** Response body bytes written to the wire (possibly compressed). */
  bytesOutWire: number;
  /** Response body bytes before compression. */
  bytesOutLogical: number;
  outcome: RequestOutcome;
}

/** A snapshot of everything the upstream counted since start or the last reset. */
export interface UpstreamCounters {
  /** TCP connections accepted. */
  connectionsAccepted: number;
  /** TCP connections open now. */
  connectionsOpen: number;
  /** Requests whose headers arrived. */
  requestsReceived: number;
  /** Requests answered completely. */
  requestsServed: number;
  /** Requests answered completely, by path. */
  requestsByRoute: Record<string, number>;
  /**
   * Distinct connections that carried a completely answered request, by path: how many
   * connections a client used for that route (other clients' probes on other paths aside).
   */
  connectionsByRoute: Record<string, number>;
  /** Requests answered completely, by status code. */
  requestsByStatus: Record<string, number>;
  /** Connections reset on purpose (`reset` behaviour). */
  resets: number;
  /** Requests being handled now. */
  inFlight: number;
  /** Highest `inFlight` seen. */
  peakConcurrency: number;
  /** Request body bytes on the wire. */
  bytesInWire: number;
  /** Request body bytes after decoding. */
  bytesInDecoded: number;
  /** Response body bytes on the wire. */
  bytesOutWire: number;
  /** Response body bytes before compression. */
  bytesOutLogical: number;
  /** JSON-RPC batches (array bodies) received. */
  rpcBatches: number;
  /** JSON-RPC calls received, in batches or single. */
  rpcCalls: number;
  /** The most recent requests, oldest first (bounded by `requestLogSize`). */
  requests: RequestRecord[];
}
