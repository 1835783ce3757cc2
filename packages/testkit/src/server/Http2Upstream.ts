import { once } from 'node:events';
import {
  constants,
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';

/** Options of an `Http2Upstream`. */
export interface Http2UpstreamOptions {
  /** Server certificate (PEM). Required. */
  cert: string;
  /** Its private key (PEM). Required. */
  key: string;
  /** Streams a client may open at once on one connection. Defaults to 1_000. */
  maxConcurrentStreams?: number;
  /** Also answer HTTP/1.1 clients (ALPN 'http/1.1') the same way, to compare the two on one server. Defaults to false. */
  allowHTTP1?: boolean;
}

/** What an `Http2Upstream` measured. */
export interface Http2UpstreamCounters {
  /** TLS connections (HTTP/2 sessions) accepted. */
  connectionsAccepted: number;
  /** Sessions open now. */
  connectionsOpen: number;
  /** Streams (requests) answered with a complete response. */
  requestsServed: number;
  /** Highest number of streams open at once on one session. */
  maxConcurrentStreams: number;
}

/**
 * An HTTP/2 upstream over TLS (`node:http2` secure server, HTTP/1.1 only with `allowHTTP1`) on
 * 127.0.0.1 port 0. Answers every stream 200 with a JSON echo of method, path and session
 * number, after `?delay=<ms>` when the path asks for one; resets streams whose path starts
 * with `/reset` (RST_STREAM, INTERNAL_ERROR). `goaway()` sends GOAWAY on every
 * session the way a draining server does; `drop()` cuts every connection without one.
 */
export class Http2Upstream {
  readonly #server: Http2SecureServer;
  /** Open sessions: their number (1, 2, …) and streams open now. */
  readonly #sessions = new Map<Http2Session, { id: number; open: number }>();
  /** Accepted TCP connections, under TLS (a session's `socket` is a proxy that cannot be destroyed). */
  readonly #sockets = new Set<Socket>();
  readonly #counters: Http2UpstreamCounters = {
    connectionsAccepted: 0,
    connectionsOpen: 0,
    requestsServed: 0,
    maxConcurrentStreams: 0,
  };
  #port = 0;

  constructor(options: Http2UpstreamOptions) {
    this.#server = createSecureServer({
      cert: options.cert,
      key: options.key,
      allowHTTP1: options.allowHTTP1 ?? false,
      settings: { maxConcurrentStreams: options.maxConcurrentStreams ?? 1_000 },
    });
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    this.#server.on('session', (session: Http2Session) => this.#onSession(session));
    this.#server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) =>
      this.#onStream(stream, headers),
    );
    // HTTP/1.1 requests (only with allowHTTP1) arrive as 'request' events instead of streams.
    this.#server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => {
      if (req.httpVersionMajor !== 1) return;
      this.#counters.requestsServed++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, path: req.url, session: 0 }));
    });
  }

  /** `https://127.0.0.1:<port>`. */
  get origin(): string {
    return `https://127.0.0.1:${this.#port}`;
  }

  /** Starts listening on 127.0.0.1, port 0. */
  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  /** A snapshot of the counters. */
  counters(): Http2UpstreamCounters {
    return { ...this.#counters };
  }

  /** Zeroes the counters (open sessions stay counted as open). */
  resetCounters(): void {
    Object.assign(this.#counters, { connectionsAccepted: 0, requestsServed: 0, maxConcurrentStreams: 0 });
  }

  /**
   * Sends GOAWAY (NO_ERROR, last stream = the last one received) on every open session and
   * closes each once its streams are done, like a server that drains before a restart.
   */
  goaway(): void {
    for (const session of this.#sessions.keys()) session.close();
  }

  /**
   * Destroys every TCP connection at once, under TLS and HTTP/2, without GOAWAY or RST_STREAM,
   * like a crashed server or a cut network path: streams in flight die with their connection.
   */
  drop(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Stops listening and destroys every session. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const session of this.#sessions.keys()) session.destroy();
    await closed;
  }

  #onSession(session: Http2Session): void {
    const c = this.#counters;
    c.connectionsAccepted++;
    c.connectionsOpen++;
    this.#sessions.set(session, { id: c.connectionsAccepted, open: 0 });
    session.once('close', () => {
      c.connectionsOpen--;
      this.#sessions.delete(session);
    });
    session.on('error', () => undefined);
  }

  #onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    const state = this.#sessions.get(stream.session as Http2Session) ?? { id: 0, open: 0 };
    state.open++;
    if (state.open > this.#counters.maxConcurrentStreams) this.#counters.maxConcurrentStreams = state.open;
    stream.once('close', () => state.open--);
    stream.on('error', () => undefined);
    const path = String(headers[constants.HTTP2_HEADER_PATH] ?? '/');
    const delay = Number(new URL(path, 'https://upstream').searchParams.get('delay') ?? 0);
    const answer = (): void => {
      if (stream.destroyed) return;
      const body = JSON.stringify({
        method: headers[constants.HTTP2_HEADER_METHOD],
        path,
        session: state.id,
      });
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(body, () => this.#counters.requestsServed++);
    };
    stream.resume();
    if (path.startsWith('/reset')) {
      stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      return;
    }
    stream.once('end', () => {
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  }
}
