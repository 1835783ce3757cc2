import type { PoolStats } from '@slipstream/contracts';

/** The contracts' `PoolStats` plus the http package's own measured counters. */
export interface HttpPoolStats extends PoolStats {
  /** Replays of idempotent requests whose connection was lost before any response byte (a stale keep-alive socket, a GOAWAY, a cut HTTP/2 connection). */
  staleRetries: number;
  /** Connect attempts that failed. */
  connectErrors: number;
  /** TLS handshakes completed (https origins). */
  tlsHandshakes: number;
  /** Mean TLS handshake time (TCP connect to secure connect), ms; part of `connectTimeMeanMs`. */
  tlsHandshakeTimeMeanMs: number;
  /** TLS handshakes that resumed a cached session. */
  tlsSessionsReused: number;
  /** Expiry of the certificate the origin presented last, ISO 8601; undefined before a TLS connection. */
  certificateExpiresAt: string | undefined;
  /** Days until that certificate expires (negative once expired); undefined before a TLS connection. */
  certificateDaysLeft: number | undefined;
  /** The HTTP version in use: 'h2' once ALPN picked HTTP/2, else 'h1'. */
  protocol: 'h1' | 'h2';
  /** Connections closed after `maxRequestsPerConnection` requests. */
  connectionsRetiredByRequests: number;
  /** Connections retired at their (jittered) `maxConnectionAgeMs`. */
  connectionsRetiredByAge: number;
}
