import type { ClientRequest, ClientRequestOptions } from '@slipstream/client';
import { RequestAbortedError, type Logger, type RouteConfig } from '@slipstream/contracts';
import type { HttpStreamResponse } from '@slipstream/http';
import type { InboundTraceContext } from '@slipstream/monitor';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RefusedRequestError, type RefusalReason } from '../errors/RefusedRequestError';
import { answerRpc, type RpcTarget } from '../rpc/answerRpc';
import { ClientConnection } from './ClientConnection';
import { readControlHeaders } from './controlHeaders';
import { errorResponse } from './errorResponse';
import { forwardedRequestHeaders } from './forwardedRequest';
import { responseHeaders } from './hopByHop';
import { HostGuard } from './HostGuard';
import { hostFields, isValidHost } from './hostSyntax';
import { meteredBody } from './meteredBody';
import { ProxyStats, type ProxyStatsSnapshot } from './ProxyStats';
import { readBody } from './readBody';

/** What the proxy needs of the pipeline: streamed requests and batched JSON-RPC calls. */
export interface ProxyTarget extends RpcTarget {
  stream(req: ClientRequest, opts?: ClientRequestOptions): Promise<HttpStreamResponse>;
}

/** Options of a `SidecarProxy` (the `sidecar` section's listener, limits and 503 hint). */
export interface SidecarProxyOptions {
  /** Listening address (loopback). */
  host: string;
  /** Listening port; 0 picks a free one. */
  port: number;
  /** Largest request head, bytes: 431 beyond. */
  maxHeaderBytes: number;
  /** Largest request body, bytes: 413 beyond. */
  maxBodyBytes: number;
  /** `retry-after` of a 503 whose error gives no hint, seconds. */
  retryAfterSec: number;
  /**
   * Runs each forwarded request in the trace context its headers carry (W3C `traceparent`), so
   * the pipeline's request span is the caller's child. Defaults to none: the listener's context.
   */
  inboundTraceContext?: InboundTraceContext;
}

/** What a drain found. */
export interface DrainReport {
  /** Requests still in flight when the drain timeout passed, cut. */
  cut: number;
}

/** This hop's `via` entry. */
const VIA = '1.1 slipstream';
/** Path prefix of the sidecar's own endpoints on the proxy port. */
const CONTROL_PREFIX = '/_slipstream/';
const RPC_PREFIX = '/_slipstream/rpc/';
/**
 * Sidecars a request may already have passed (its `via` entries by this hop's name): a chain of
 * sidecars is a few hops long; a cluster that points back at a sidecar on the way is a loop, which
 * would otherwise go round until the deadline, a request in flight per turn.
 */
const MAX_SIDECAR_HOPS = 5;

/** How many of `via`'s entries are a Slipstream sidecar's. */
function sidecarHops(via: string): number {
  let hops = 0;
  for (const entry of via.split(',')) if (entry.trim() === VIA) hops++;
  return hops;
}

/**
 * A `.` or `..` path segment, plain or percent-encoded, in an origin-form target: an upstream that
 * resolves it would serve a path outside the prefix the route matched (`/public/../admin`).
 * (An absolute-form target's path is resolved by `URL` before routing.)
 */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?:[/?#]|$)/i;

/** The methods the proxy forwards (every one but CONNECT), for a 405's `allow`. */
const FORWARDED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE';

/**
 * Whether `req` has a body not read to its end. A request without one is not `complete` until the
 * parser finishes its head, which is after an answer given at once (the stats endpoint's).
 */
function bodyUnread(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Whether the client waits for `100 Continue` before sending its body. */
function expectsContinue(req: IncomingMessage): boolean {
  return req.headers.expect?.toLowerCase() === '100-continue';
}

/**
 * The refusal of a request body in transfer codings besides chunked: 501 when chunked is last
 * (a coding the sidecar does not apply), 400 when it is not (its length cannot be known: RFC 9112 §6.3).
 */
function transferCodingRefusal(te: string): RefusedRequestError {
  const last = te
    .slice(te.lastIndexOf(',') + 1)
    .trim()
    .toLowerCase();
  return last === 'chunked'
    ? new RefusedRequestError('transfer_coding', `transfer coding ${JSON.stringify(te)} is not supported`)
    : new RefusedRequestError('bad_request', `transfer coding ${JSON.stringify(te)} does not end in chunked`);
}

/** The cluster a JSON-RPC endpoint path names, percent-decoded; a malformed escape is the caller's 400. */
function clusterOf(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RefusedRequestError('bad_request', `malformed cluster name ${JSON.stringify(segment)}`);
  }
}

/**
 * The sidecar's HTTP/1.1 reverse proxy on loopback. Each request is checked (Host or
 * absolute-form authority served, `CONNECT` refused, head and body limits), its control headers
 * read and stripped, its hop-by-hop headers removed and `x-forwarded-for`, `forwarded` and `via`
 * added, then sent through the pipeline's `stream()`; the response streams back with
 * backpressure (the client's disconnect aborts the upstream request: `ClientConnection`). Failures are answered as
 * HTTP with a JSON body carrying the `SLIP_ERR_*` code. `POST /_slipstream/rpc/<cluster>` takes
 * single JSON-RPC calls for the batcher, `GET /_slipstream/stats` returns the counters.
 * Request bodies stream through unbuffered (so such a request is never retried), counted as they
 * flow: past `maxBodyBytes` the upstream request is aborted, answered 413 if no response started.
 */
export class SidecarProxy {
  readonly #target: ProxyTarget;
  readonly #options: SidecarProxyOptions;
  readonly #logger: Logger;
  readonly #server: Server;
  readonly #guard = new HostGuard();
  readonly #stats = new ProxyStats();
  #draining = false;
  #closed: Promise<void> | undefined;
  #idle: (() => void)[] = [];

  constructor(target: ProxyTarget, options: SidecarProxyOptions, logger: Logger) {
    this.#target = target;
    this.#options = options;
    this.#logger = logger;
    this.#server = createServer(
      // No Host is the sidecar's own 400 (`#requestTarget`): counted, with its JSON body.
      { maxHeaderSize: options.maxHeaderBytes, requireHostHeader: false },
      this.#onRequest,
    );
    this.#server.on('connection', this.#onConnection);
    // `expect: 100-continue` is answered once the request is accepted, not on arrival: a refused
    // one (413 for its declared length, 421, 404…) gets its refusal without inviting the body.
    this.#server.on('checkContinue', this.#onRequest);
    this.#server.on('connect', this.#onConnect);
    this.#server.on('clientError', this.#onClientError);
  }

  /** Takes the route table's host constraints (the hosts served besides the sidecar's own address). */
  setRoutes(routes: readonly RouteConfig[]): void {
    this.#guard.setRoutes(routes);
  }

  /** Starts listening; resolves with the URL, e.g. `http://127.0.0.1:15001`. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#guard.listeningOn(this.#address().port);
    return this.url!;
  }

  /** Where the proxy listens, once listening. */
  get url(): string | undefined {
    if (!this.#server.listening) return undefined;
    const { address, family, port } = this.#address();
    return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
  }

  /** Whether a drain began (the listener takes no new connections). */
  get draining(): boolean {
    return this.#draining;
  }

  /** The listener's counters. */
  stats(): ProxyStatsSnapshot {
    return this.#stats.snapshot(this.#draining);
  }

  /**
   * Stops accepting connections, lets the requests in flight finish (their responses say
   * `connection: close`), and resolves once they did, or once `timeoutMs` passed: then the
   * ones left are cut. Idempotent.
   */
  async drain(timeoutMs: number): Promise<DrainReport> {
    if (!this.#draining) {
      this.#draining = true;
      this.#closed = this.#server.listening
        ? new Promise((resolve) => this.#server.close(() => resolve()))
        : Promise.resolve();
    }
    let cut = 0;
    if (this.#stats.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        new Promise<boolean>((resolve) => this.#idle.push(() => resolve(true))),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (!finished) {
        cut = this.#stats.inFlight;
        this.#logger.warn('drain timeout: cutting the requests left', { cut, timeoutMs });
      }
    }
    this.#server.closeAllConnections();
    await this.#closed;
    return { cut };
  }

  #address(): AddressInfo {
    return this.#server.address() as AddressInfo;
  }

  readonly #onConnection = (socket: Socket): void => {
    const connection = ClientConnection.accept(socket);
    socket.once('close', () => {
      // A response still owed is never sent (one queued behind a pipelined request never gets the
      // socket, nor a 'close' of its own): its upstream call is cut and it stops counting in flight.
      for (const res of connection.open) if (!res.writableFinished) connection.abort();
      for (const res of connection.open) this.#settle(connection, res);
    });
  };

  readonly #onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    this.#stats.requests++;
    this.#stats.inFlight++;
    const connection = ClientConnection.of(req.socket);
    connection.open.add(res);
    res.on('close', () => {
      // Closed before its response was sent: the client went away, which cuts its upstream request.
      if (!res.writableFinished) connection.abort();
      this.#settle(connection, res);
    });
    this.#handle(req, res, connection).catch((err: unknown) => this.#sendError(res, err));
  };

  /** `res` is sent or can no longer be: once per response, whichever of its close and its connection's comes first. */
  #settle(connection: ClientConnection, res: ServerResponse): void {
    if (!connection.open.delete(res)) return;
    const refusal = connection.refusal;
    if (refusal !== undefined && connection.open.size === 0) {
      connection.refusal = undefined;
      this.#refuseRaw(connection.socket, refusal);
    }
    if (--this.#stats.inFlight === 0) {
      if (this.#draining) this.#server.closeIdleConnections();
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /**
   * Whether the connection closes after `res`: one to a request whose body will not be read to
   * its end (an upstream answer or a refusal before it ended), or to an `upgrade` request
   * (ignored: the sidecar tunnels nothing, and Node's parser reads nothing after one), so a
   * request pipelined behind either would never be answered; and, in a drain, the last response
   * owed on the connection. Not an earlier one: the requests pipelined behind it were received,
   * and may have run upstream, before the drain began; their responses still go out, then the
   * last closes (or, once nothing is in flight, the drain closes the connections left idle).
   */
  #closesAfter(res: ServerResponse): boolean {
    const req = res.req;
    return (
      bodyUnread(req) ||
      req.headers.upgrade !== undefined ||
      (this.#draining && ClientConnection.of(req.socket).open.size <= 1)
    );
  }

  async #handle(req: IncomingMessage, res: ServerResponse, connection: ClientConnection): Promise<void> {
    if (this.#draining) throw new RefusedRequestError('draining', 'the sidecar is draining');
    const { path, host } = this.#requestTarget(req);
    if (path.startsWith(CONTROL_PREFIX)) return this.#control(req, res, path, connection.signal);
    const control = readControlHeaders(req.headers);
    const via = req.headers.via;
    if (via !== undefined && sidecarHops(via) >= MAX_SIDECAR_HOPS) {
      throw new RefusedRequestError(
        'loop',
        `the request already passed ${MAX_SIDECAR_HOPS} sidecars (via: ${via}): a routing loop`,
      );
    }
    const te = req.headers['transfer-encoding'];
    if (te !== undefined && te.toLowerCase() !== 'chunked') throw transferCodingRefusal(te);
    const metered = meteredBody(req, this.#options.maxBodyBytes);
    // Invited when the pool starts sending it, after routing and admission: a request refused on
    // the way (404, 503) gets its answer without its body having been sent.
    if (metered.body !== undefined && expectsContinue(req))
      metered.body.once('resume', () => res.writeContinue());
    const signal = connection.signal;
    const method = req.method ?? 'GET';
    const request: ClientRequest = {
      method,
      path,
      host,
      cluster: control.cluster,
      body: metered.body,
      headers: forwardedRequestHeaders(req.headers, {
        clientAddress: req.socket.remoteAddress ?? '127.0.0.1',
        host,
        via: VIA,
      }),
    };
    this.#stats.forwarded++;
    const options: ClientRequestOptions = {
      priority: control.priority,
      timeoutMs: control.timeoutMs,
      stickyKey: control.stickyKey,
      signal,
      // Bodies pass through as the upstream encoded them, for the client's own accept-encoding.
      decode: false,
    };
    const inbound = this.#options.inboundTraceContext;
    let response: HttpStreamResponse;
    try {
      response = await (inbound === undefined
        ? this.#target.stream(request, options)
        : inbound(req.headers, () => this.#target.stream(request, options)));
    } catch (err) {
      // The body passed the limit before the upstream answered: a 413, not the upstream's failure.
      throw metered.exceeded ?? err;
    }
    const headers = responseHeaders(response.headers, VIA);
    if (this.#closesAfter(res)) headers.connection = 'close';
    res.writeHead(response.statusCode, headers);
    this.#stats.responded(response.statusCode);
    if (method === 'HEAD') {
      // Read to its (empty) end, not destroyed: a destroyed body counts as the endpoint's failure.
      response.body.resume();
      res.end();
      return;
    }
    // `pipe`, not `pipeline`: pipeline allocates an AbortController per call and aborts it (a
    // DOMException) at the end, a measurable share of the proxy's CPU per request. A client that
    // goes away aborts the connection's signal, which destroys the body; a body that breaks off cuts `res`.
    const body = response.body;
    body.once('error', (err) => {
      res.destroy();
      if (!signal.aborted) this.#logger.debug('response body broke off', { path, error: String(err) });
    });
    body.pipe(res);
  }

  /** The path and host a request asks for; refuses CONNECT-like targets, unknown hosts and absolute URIs to other hosts. */
  #requestTarget(req: IncomingMessage): { path: string; host: string } {
    const target = req.url ?? '/';
    if (hostFields(req.rawHeaders) > 1) {
      throw new RefusedRequestError('bad_request', 'the request has more than one Host (RFC 9112 §3.2)');
    }
    if (target.startsWith('/')) {
      const host = req.headers.host;
      if (host === undefined || host === '')
        throw new RefusedRequestError('bad_request', 'the request has no Host');
      if (!isValidHost(host))
        throw new RefusedRequestError('bad_request', `malformed Host ${JSON.stringify(host)}`);
      if (!this.#guard.allows(host)) {
        throw new RefusedRequestError(
          'unknown_host',
          `Host ${JSON.stringify(host)} matches no route of this sidecar`,
        );
      }
      if (DOT_SEGMENT.test(target)) {
        throw new RefusedRequestError(
          'bad_request',
          `request target ${JSON.stringify(target)} has a dot segment: a route's path prefix would not bound it`,
        );
      }
      return { path: target, host };
    }
    if (!URL.canParse(target))
      throw new RefusedRequestError('bad_request', `request target ${JSON.stringify(target)}`);
    const url = new URL(target);
    if (url.username !== '' || url.password !== '') {
      throw new RefusedRequestError('bad_request', 'an http URI with userinfo (RFC 9110 §4.2.4)');
    }
    if (url.protocol !== 'http:' || !this.#guard.allows(url.host)) {
      throw new RefusedRequestError(
        'absolute_form',
        `${url.origin} is not served by this sidecar (it is no open proxy)`,
      );
    }
    return { path: `${url.pathname}${url.search}`, host: url.host };
  }

  /** The sidecar's own endpoints: the JSON-RPC coalescing endpoint and the counters. */
  async #control(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    signal: AbortSignal,
  ): Promise<void> {
    const pathname = path.split('?', 1)[0]!;
    if (pathname === '/_slipstream/stats' && (req.method === 'GET' || req.method === 'HEAD')) {
      return this.#sendJson(res, 200, JSON.stringify(this.stats()));
    }
    if (!pathname.startsWith(RPC_PREFIX)) {
      throw new RefusedRequestError('no_route', `no sidecar endpoint ${req.method ?? ''} ${pathname}`);
    }
    if (req.method !== 'POST') {
      throw new RefusedRequestError('method', `${pathname} takes POST, not ${req.method ?? ''}`, 'POST');
    }
    const cluster = clusterOf(pathname.slice(RPC_PREFIX.length));
    const control = readControlHeaders(req.headers);
    const body = await readBody(
      req,
      this.#options.maxBodyBytes,
      expectsContinue(req) ? () => res.writeContinue() : undefined,
    );
    this.#stats.forwarded++;
    const answer = await answerRpc(this.#target, cluster, body, {
      priority: control.priority,
      timeoutMs: control.timeoutMs,
      signal,
    });
    this.#stats.rpcCalls += answer.calls;
    if (answer.body === undefined) {
      res.writeHead(204, { via: VIA }).end();
      this.#stats.responded(204);
      return;
    }
    this.#sendJson(res, answer.status, answer.body);
  }

  #sendJson(
    res: ServerResponse,
    status: number,
    body: string,
    extra: Record<string, string | number> = {},
  ): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      via: VIA,
      ...(this.#closesAfter(res) ? { connection: 'close' } : {}),
      ...extra,
    });
    res.end(body);
    this.#stats.responded(status);
  }

  #sendError(res: ServerResponse, err: unknown): void {
    if (RequestAbortedError.is(err) && res.destroyed) return;
    const answer = errorResponse(err, this.#options.retryAfterSec);
    if (RefusedRequestError.is(err)) this.#stats.refused(err.reason);
    else this.#stats.failed(answer.code);
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const extra: Record<string, string | number> = {};
    if (answer.retryAfterSec !== undefined) extra['retry-after'] = answer.retryAfterSec;
    if (RefusedRequestError.is(err) && err.allow !== undefined) extra.allow = err.allow;
    this.#sendJson(res, answer.status, answer.body, extra);
  }

  readonly #onConnect = (_req: IncomingMessage, socket: Socket): void => {
    this.#stats.requests++;
    const refusal = new RefusedRequestError(
      'connect',
      'CONNECT is refused: the sidecar tunnels nothing',
      FORWARDED_METHODS,
    );
    this.#refuseInOrder(ClientConnection.of(socket), refusal);
  };

  readonly #onClientError = (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const connection = ClientConnection.of(socket);
    // The parser stays in error: each further chunk of the same connection reports it again.
    if (connection.refusal !== undefined) return;
    if (connection.latestOpen()?.req.complete === false) {
      // Inside a forwarded request's body (cut short, or badly chunked): that request cannot
      // complete, and no answer can follow it on this connection. Closing it aborts its upstream call.
      socket.destroy();
      return;
    }
    this.#stats.requests++;
    const reason: RefusalReason = err.code === 'HPE_HEADER_OVERFLOW' ? 'header_too_large' : 'bad_request';
    const refusal = new RefusedRequestError(
      reason,
      `malformed or oversized request: ${err.code ?? err.message}`,
    );
    this.#refuseInOrder(connection, refusal);
  };

  /** Refuses on the raw socket at once, or, pipelined behind requests not yet answered, after them, in order. */
  #refuseInOrder(connection: ClientConnection, refusal: RefusedRequestError): void {
    if (connection.open.size > 0) connection.refusal = refusal;
    else this.#refuseRaw(connection.socket, refusal);
  }

  /** Answers a refusal on a raw socket (no `ServerResponse` exists for it) and closes the connection. */
  #refuseRaw(socket: Socket, err: RefusedRequestError): void {
    // Detached from the HTTP parser, the socket has no error listener: a client's reset must not crash the process.
    socket.on('error', () => socket.destroy());
    this.#stats.refused(err.reason);
    if (!socket.writable) return;
    const { status, body } = errorResponse(err, this.#options.retryAfterSec);
    this.#stats.responded(status);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n${err.allow === undefined ? '' : `allow: ${err.allow}\r\n`}` +
        `connection: close\r\nvia: ${VIA}\r\n\r\n${body}`,
    );
  }
}
