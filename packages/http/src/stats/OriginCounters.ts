/** How many connect times are kept for the p99 (the most recent ones). */
const CONNECT_SAMPLES = 1_024;

/**
 * The measured counters of one origin. Plain fields bumped on the hot path; figures such as
 * the p99 are derived only when `stats()` is read.
 */
export class OriginCounters {
  /** Requests dispatched (each replay counts: it is one more request on the wire). */
  requests = 0;
  connectionsCreated = 0;
  connectErrors = 0;
  bytesOutLogical = 0;
  bytesOutWire = 0;
  bytesInLogical = 0;
  bytesInWire = 0;
  /** Replays of requests whose connection was lost before any response byte (see `HttpPoolStats.staleRetries`). */
  staleRetries = 0;
  /** TLS handshakes completed. */
  handshakes = 0;
  /** TLS handshakes that resumed a cached session (no full handshake). */
  sessionsReused = 0;
  /** Connections closed after reaching `maxRequestsPerConnection`. */
  connectionsRetiredByRequests = 0;
  /** Connections retired after reaching their (jittered) `maxConnectionAgeMs`. */
  connectionsRetiredByAge = 0;
  /** Whether new TLS 1.3 connections wait for the server's session ticket (see `trackedConnector`). */
  awaitsSessionTickets = true;
  /** Whether ALPN picked HTTP/2 on a connection to this origin. */
  negotiatedH2 = false;
  /** Expiry of the certificate the origin presented last, ms since the epoch; undefined before a TLS connection. */
  certificateExpiresAt: number | undefined = undefined;
  #handshakeTimeSum = 0;
  #connectTimeSum = 0;
  #connectTimes = new Float64Array(CONNECT_SAMPLES);
  #connectTimeCount = 0;

  /** A connection was made in `ms` (measured around the pool's connector). */
  recordConnectTime(ms: number): void {
    this.#connectTimeSum += ms;
    this.#connectTimes[this.#connectTimeCount % CONNECT_SAMPLES] = ms;
    this.#connectTimeCount++;
  }

  /** A TLS handshake took `ms` (from TCP connect to secure connect); `reused`: it resumed a session. */
  recordHandshake(ms: number, reused: boolean): void {
    this.handshakes++;
    this.#handshakeTimeSum += ms;
    if (reused) this.sessionsReused++;
  }

  /** The peer certificate's `valid_to` (OpenSSL's date text) as it was presented. */
  recordPeerCertificate(validTo: string | undefined): void {
    const at = validTo === undefined ? Number.NaN : Date.parse(validTo);
    if (Number.isFinite(at)) this.certificateExpiresAt = at;
  }

  /** Mean TLS handshake time, ms (0 before the first handshake). */
  get handshakeTimeMeanMs(): number {
    return this.handshakes === 0 ? 0 : this.#handshakeTimeSum / this.handshakes;
  }

  /** Mean connect time, ms (0 before the first connection). */
  get connectTimeMeanMs(): number {
    return this.#connectTimeCount === 0 ? 0 : this.#connectTimeSum / this.#connectTimeCount;
  }

  /** 99th-percentile connect time over the most recent samples, ms (0 before the first connection). */
  get connectTimeP99Ms(): number {
    const n = Math.min(this.#connectTimeCount, CONNECT_SAMPLES);
    if (n === 0) return 0;
    const sorted = this.#connectTimes.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.ceil(n * 0.99) - 1)] ?? 0;
  }

  /** 1 − connectionsCreated ÷ requests; 0 before the first request. */
  get reuseRate(): number {
    return this.requests === 0 ? 0 : Math.max(0, 1 - this.connectionsCreated / this.requests);
  }
}
