import { ConnectionError } from '@slipstream/contracts';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import { buildConnector, errors } from 'undici';
import type { OriginCounters } from './OriginCounters';

/** One of our sockets: whose counters it feeds and how many requests it carried. */
interface SocketRecord {
  counters: OriginCounters;
  requests: number;
}

/**
 * Sockets made by Slipstream's connectors and the counters they belong to. undici's
 * connect messages name the socket, so connections of pools that are not ours (another
 * library's, the global dispatcher's) are ignored.
 */
const owners = new WeakMap<Socket, SocketRecord>();
let subscribers = 0;

function onConnected(message: unknown): void {
  const record = owners.get((message as { socket: Socket }).socket);
  if (record) record.counters.connectionsCreated++;
}

function onSendHeaders(message: unknown): void {
  const record = owners.get((message as { socket: Socket }).socket);
  if (record) record.requests++;
}

/** What a tracked connector enforces and measures besides undici's own connector. */
export interface ConnectorLimits {
  /** Requests per HTTP/1.1 connection (0: no limit), to count the connections it retired. */
  maxRequestsPerConnection: number;
  /** Refuse a connection on which ALPN did not pick HTTP/2. */
  requireH2: boolean;
}

/**
 * A connector for one origin's pool: undici's own, timed (TCP connect and TLS handshake
 * apart), counting failures, TLS session reuse, the negotiated protocol and the peer
 * certificate's expiry, and marking its sockets so that undici's `connected` and
 * `sendHeaders` messages can be attributed to `counters`.
 */
export function trackedConnector(
  options: buildConnector.BuildOptions,
  counters: OriginCounters,
  limits: ConnectorLimits,
): buildConnector.connector {
  const connect = buildConnector(options);
  return (opts, callback) => {
    const started = performance.now();
    let tcpDone = 0;
    const done = (err: Error | null, socket: Socket | null): void => {
      if (err !== null || socket === null) {
        counters.connectErrors++;
        return (callback as (e: Error | null, s: Socket | null) => void)(err, null);
      }
      const record: SocketRecord = { counters, requests: 0 };
      owners.set(socket, record);
      const max = limits.maxRequestsPerConnection;
      if (max > 0) {
        socket.once('close', () => {
          if (record.requests >= max) counters.connectionsRetiredByRequests++;
        });
      }
      (callback as (e: Error | null, s: Socket | null) => void)(null, socket);
    };
    const pending = connect(opts, (err, socket) => {
      if (err !== null) return done(err, null);
      const now = performance.now();
      counters.recordConnectTime(now - started);
      if (opts.protocol !== 'https:') return done(null, socket);
      const tls = socket as TLSSocket;
      counters.recordHandshake(now - (tcpDone || started), tls.isSessionReused());
      counters.recordPeerCertificate(tls.getPeerCertificate().valid_to);
      counters.negotiatedH2 ||= tls.alpnProtocol === 'h2';
      if (limits.requireH2 && tls.alpnProtocol !== 'h2') {
        socket.destroy();
        const protocol = tls.alpnProtocol === false ? 'no protocol' : tls.alpnProtocol;
        const message = `${opts.hostname}:${opts.port}: ALPN picked ${protocol}, protocol 'h2' requires h2`;
        return done(new ConnectionError(message, { retryable: false }), null);
      }
      // A resumed session was issued by a server that had accepted us: nothing to wait for.
      if (tls.getProtocol() !== 'TLSv1.3' || tls.isSessionReused() || !counters.awaitsSessionTickets) {
        return done(null, socket);
      }
      // A ticket follows the handshake within a round trip; 4 × the connect time, at least 1 s
      // (a loaded event loop delays both), at most the connect timeout: a server that sends no
      // tickets costs its origin's first connection that much once.
      const bound = Math.min(options.timeout ?? 10_000, Math.max(1_000, Math.ceil(4 * (now - started))));
      awaitServerVerdict(tls, counters, bound, done);
    }) as unknown as Socket | undefined;
    pending?.once('connect', () => {
      tcpDone = performance.now();
    });
  };
}

/**
 * With TLS 1.3 the client's handshake completes before the server has checked the client's
 * certificate: a server that requires one and got none (or a bad one) answers with an alert
 * after `secureConnect`, which undici reads as "other side closed" under the first request.
 * A server that accepted the client sends its session tickets at once; waiting for the first
 * one (bounded by `timeoutMs`) turns a refusal into a connect error carrying the TLS
 * alert (`ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`, ...). An origin that sent no ticket within
 * the bound is not waited for again.
 */
function awaitServerVerdict(
  socket: TLSSocket,
  counters: OriginCounters,
  timeoutMs: number,
  done: (err: Error | null, socket: Socket | null) => void,
): void {
  let settled = false;
  const settle = (verdict: Error | null): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.off('session', onSession).off('error', settle).off('close', onClose);
    // Closed without a TLS alert (a refusal comes with one, through 'error'), or after the
    // ticket but before undici listened to the socket, which would then never see that end:
    // the connection was lost before any request went out. undici's own socket error fails
    // the requests waiting for it the way a connection lost under them does, so they are
    // replayed on another.
    const err =
      verdict === null && (socket.destroyed || socket.readableEnded)
        ? new errors.SocketError('the server closed the connection after the TLS handshake')
        : verdict;
    if (err !== null) socket.destroy();
    done(err, err === null ? socket : null);
  };
  // Handed over on the next turn: undici writes the first request at once, which must not
  // happen inside OpenSSL's new-session callback.
  const onSession = (): void => void setImmediate(settle, null);
  const onClose = (): void => settle(null);
  const timer = setTimeout(() => {
    counters.awaitsSessionTickets = false;
    settle(null);
  }, timeoutMs);
  timer.unref();
  socket.once('session', onSession).once('error', settle).once('close', onClose);
  // Nobody reads the socket yet: start reading (buffering, not consuming) so that the ticket arrives.
  socket.read(0);
}

/**
 * Subscribes to undici's process-wide `undici:client:connected` and `undici:client:sendHeaders`
 * channels; reference-counted across pool managers. Returns the matching unsubscribe, which is
 * safe to call once.
 */
export function subscribeConnectionChannels(): () => void {
  if (subscribers++ === 0) {
    diagnosticsChannel.subscribe('undici:client:connected', onConnected);
    diagnosticsChannel.subscribe('undici:client:sendHeaders', onSendHeaders);
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--subscribers === 0) {
      diagnosticsChannel.unsubscribe('undici:client:connected', onConnected);
      diagnosticsChannel.unsubscribe('undici:client:sendHeaders', onSendHeaders);
    }
  };
}
