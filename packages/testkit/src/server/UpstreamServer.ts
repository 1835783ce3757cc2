import { ConfigError } from '@slipstream/contracts';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Behaviour, BehaviourRule, SlowBody } from '../behaviour/Behaviour';
import { BehaviourTable } from '../behaviour/BehaviourTable';
import { validateBehaviour } from '../behaviour/validateBehaviour';
import { CounterBook } from '../counters/CounterBook';
import type { RequestRecord, UpstreamCounters } from '../counters/UpstreamCounters';
import { UpstreamClosedError } from '../errors/UpstreamClosedError';
import { ForwardingClient } from '../forward/ForwardingClient';
import { encodeResponseBody } from '../http/encodeResponseBody';
import { generateJsonBody } from '../http/generateJsonBody';
import { BEHAVIOUR_HEADER, UPSTREAM_HEADER } from '../http/headerNames';
import { readRequestBody } from '../http/readRequestBody';
import { jsonAnswer as json, type RouteAnswer } from '../http/RouteAnswer';
import { createPrng, type Prng } from '../random/createPrng';
import { sampleLatency } from '../random/sampleLatency';
import { answerJsonRpc } from '../rpc/answerJsonRpc';
import { parseJsonRpcBody } from '../rpc/parseJsonRpcBody';
import { ConcurrencyGate } from './ConcurrencyGate';
import type { Upstream } from './Upstream';
import {
  resolveUpstreamOptions,
  type ResolvedUpstreamOptions,
  type UpstreamOptions,
} from './UpstreamOptions';

/**
 * Whether `behaviour` answers the request itself (its status, body or JSON-RPC faults), so that a
 * forwarding upstream does not forward it; latency alone delays the request and forwards it.
 */
const answersLocally = (behaviour: Behaviour): boolean =>
  behaviour.status !== undefined ||
  behaviour.body !== undefined ||
  behaviour.bodySize !== undefined ||
  behaviour.rpc !== undefined;

type State = 'idle' | 'listening' | 'stopped' | 'closed';

/** The in-process upstream server. Create it with `startUpstream()`. */
export class UpstreamServer implements Upstream {
  /** The PRNG seed in use. */
  readonly seed: number;
  private readonly options: ResolvedUpstreamOptions;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly book: CounterBook;
  private readonly table: BehaviourTable;
  private readonly random: Prng;
  /** Where requests of a behaviour with `maxConcurrent` wait for a worker. */
  private readonly gate = new ConcurrencyGate();
  private readonly forwarder: ForwardingClient | undefined;
  private healthy: boolean;
  private state: State = 'idle';
  private boundPort: number;

  constructor(options?: UpstreamOptions) {
    this.options = resolveUpstreamOptions(options);
    this.seed = this.options.seed;
    this.boundPort = this.options.port;
    this.healthy = this.options.healthy;
    this.random = createPrng(this.seed);
    this.book = new CounterBook(this.options.requestLogSize);
    this.table = new BehaviourTable(this.options.rules, this.options.behaviour);
    this.forwarder =
      this.options.forwardTo === undefined ? undefined : new ForwardingClient(this.options.forwardTo);
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.serve(req, res);
    const tls = this.options.tls;
    this.server =
      tls === undefined
        ? createServer(handler)
        : createHttpsServer(
            {
              cert: tls.cert,
              key: tls.key,
              ca: tls.ca,
              requestCert: tls.requestCert ?? false,
              ...(tls.maxVersion !== undefined && { maxVersion: tls.maxVersion }),
              rejectUnauthorized: true,
            },
            handler,
          );
    this.server.keepAliveTimeout = this.options.keepAliveTimeoutMs;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      const closed = this.book.connectionOpened();
      socket.once('close', () => {
        this.sockets.delete(socket);
        closed();
      });
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get origin(): string {
    return `${this.options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${this.boundPort}`;
  }

  get url(): string {
    return this.origin;
  }

  /** The name in the echo body and the `x-testkit-upstream` header. */
  private get name(): string {
    return this.options.name ?? `upstream-${this.boundPort}`;
  }

  /** Starts listening on 127.0.0.1. */
  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  counters(): UpstreamCounters {
    return this.book.snapshot();
  }

  resetCounters(): void {
    this.book.reset();
  }

  setBehaviour(config: readonly BehaviourRule[] | Behaviour): void {
    this.table.set(config);
  }

  setHealthy(healthy: boolean): void {
    this.healthy = healthy;
  }

  closeIdleConnections(): void {
    this.server.closeIdleConnections();
  }

  waitForInFlight(n: number, timeoutMs: number = this.options.waitTimeoutMs): Promise<void> {
    return this.book.waitForInFlight(n, timeoutMs);
  }

  async stop(): Promise<void> {
    if (this.state !== 'listening') return;
    this.state = 'stopped';
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async restart(): Promise<void> {
    if (this.state === 'closed') throw new UpstreamClosedError(`upstream ${this.origin} is closed`);
    await this.listen();
  }

  async close(): Promise<void> {
    await this.stop();
    this.forwarder?.close();
    this.state = 'closed';
  }

  private async listen(): Promise<void> {
    if (this.state === 'listening') return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.boundPort, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address !== null && typeof address === 'object') this.boundPort = address.port;
    this.state = 'listening';
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://upstream').pathname,
      status: 0,
      contentEncoding: 'identity',
      bytesInWire: 0,
      bytesInDecoded: 0,
      bytesOutWire: 0,
      bytesOutLogical: 0,
      outcome: 'aborted',
    };
    const gone = new AbortController();
    this.book.requestStarted();
    res.once('close', () => {
      gone.abort();
      if (record.outcome !== 'reset') record.outcome = res.writableFinished ? 'served' : 'aborted';
      record.status = res.headersSent ? res.statusCode : 0;
      this.book.requestEnded(record, req.socket);
    });
    try {
      await this.respond(req, res, record, gone.signal);
    } catch (err) {
      // A client that went away (or stop()) interrupts latency, slow bodies and `sleep`: nothing to answer.
      if (gone.signal.aborted) return;
      if (res.headersSent) res.destroy();
      else void this.send(req, res, record, {}, json(500, { error: String(err) }), gone.signal);
    }
  }

  private async respond(
    req: IncomingMessage,
    res: ServerResponse,
    record: RequestRecord,
    signal: AbortSignal,
  ): Promise<void> {
    const body = await readRequestBody(req);
    record.contentEncoding = body.encoding;
    record.bytesInWire = body.wireBytes;
    if (body.decoded === undefined) {
      return this.send(
        req,
        res,
        record,
        {},
        json(415, { error: `cannot decode ${body.encoding} body` }),
        signal,
      );
    }
    record.bytesInDecoded = body.decoded.length;

    const override = this.parseOverride(req.headers[BEHAVIOUR_HEADER]);
    if (override instanceof ConfigError)
      return this.send(req, res, record, {}, json(400, { error: override.message }), signal);
    const behaviour = this.table.resolve(record.method, record.path, override);

    const leave =
      behaviour.maxConcurrent === undefined
        ? undefined
        : await this.gate.enter(behaviour.maxConcurrent, signal);
    try {
      const latency = sampleLatency(behaviour.latencyMs, this.random);
      if (latency > 0) await sleep(latency, undefined, { signal });
    } finally {
      leave?.();
    }
    if (behaviour.hang) return;
    if (behaviour.reset === 'beforeHeaders') {
      record.outcome = 'reset';
      req.socket.resetAndDestroy();
      return;
    }
    const errorRate = behaviour.errorRate ?? 0;
    if (errorRate > 0 && this.random() < errorRate) {
      const status = behaviour.errorStatus ?? 500;
      return this.send(req, res, record, behaviour, json(status, { error: 'injected', status }), signal);
    }
    const answer = await this.routeAnswer(req, record, body.decoded, behaviour, signal);
    return this.send(req, res, record, behaviour, this.overrideAnswer(answer, behaviour), signal);
  }

  /** The route's answer with the behaviour's status and body laid over it. */
  private overrideAnswer(answer: RouteAnswer, behaviour: Behaviour): RouteAnswer {
    const status = behaviour.status ?? answer.status;
    if (typeof behaviour.body === 'string') {
      return { status, body: behaviour.body, contentType: 'text/plain; charset=utf-8' };
    }
    if (behaviour.body !== undefined) return json(status, behaviour.body);
    if (behaviour.bodySize !== undefined) {
      return { status, body: generateJsonBody(behaviour.bodySize), contentType: 'application/json' };
    }
    return { ...answer, status };
  }

  private parseOverride(header: string | string[] | undefined): Behaviour | ConfigError {
    if (typeof header !== 'string') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(header);
    } catch {
      return new ConfigError([{ path: BEHAVIOUR_HEADER, expected: 'JSON', received: header }]);
    }
    const issues = validateBehaviour(parsed, BEHAVIOUR_HEADER);
    return issues.length > 0 ? new ConfigError(issues) : (parsed as Behaviour);
  }

  /**
   * The route's answer: forwarded to the real upstream when there is one and the behaviour does not
   * answer the request itself (an unhealthy health endpoint answers 503 here); else the built-in
   * health endpoint, JSON-RPC endpoint or echo.
   */
  private async routeAnswer(
    req: IncomingMessage,
    record: RequestRecord,
    body: Buffer,
    behaviour: Behaviour,
    signal: AbortSignal,
  ): Promise<RouteAnswer> {
    const rpc = record.path === this.options.rpcPath && record.method === 'POST';
    const forwarder = answersLocally(behaviour) ? undefined : this.forwarder;
    if (record.path === this.options.healthPath && (forwarder === undefined || !this.healthy)) {
      return json(this.healthy ? 200 : 503, { status: this.healthy ? 'healthy' : 'unhealthy' });
    }
    if (forwarder !== undefined) {
      if (rpc) {
        const received = parseJsonRpcBody(body.toString('utf8'));
        this.book.rpcReceived(received?.calls.length ?? 0, received?.batch ?? false);
      }
      const { search } = new URL(req.url ?? '/', 'http://upstream');
      const path = forwarder.pathFor(record.path, search, rpc);
      return forwarder.forward({ method: record.method, path, headers: req.headers, body }, signal);
    }
    if (rpc) {
      const answer = await answerJsonRpc(body.toString('utf8'), behaviour.rpc ?? {}, signal);
      this.book.rpcReceived(answer.calls, answer.batch);
      return { status: answer.status, body: answer.body, contentType: 'application/json' };
    }
    return json(200, { upstream: this.name, method: record.method, path: record.path, bytes: body.length });
  }

  private send(
    req: IncomingMessage,
    res: ServerResponse,
    record: RequestRecord,
    behaviour: Behaviour,
    answer: RouteAnswer,
    signal: AbortSignal,
  ): Promise<void> | void {
    // 1xx, 204 and 304 carry no body (RFC 9110 §6.4.1): no content-length either.
    const bodiless = answer.status < 200 || answer.status === 204 || answer.status === 304;
    const logical = Buffer.from(bodiless ? '' : (answer.body ?? ''));
    const { wire, encoding } = encodeResponseBody(
      logical,
      req.headers['accept-encoding'],
      behaviour.compress,
      behaviour.corruptCompression ?? false,
    );
    record.bytesOutLogical = logical.length;
    const headers: OutgoingHttpHeaders = {
      ...answer.headers,
      [UPSTREAM_HEADER]: this.name,
      'content-type': answer.contentType,
      ...(answer.body === undefined || bodiless ? {} : { 'content-length': String(wire.length) }),
      ...(encoding === undefined ? {} : { 'content-encoding': encoding, vary: 'accept-encoding' }),
      ...(behaviour.retryAfter === undefined ? {} : { 'retry-after': String(behaviour.retryAfter) }),
      ...behaviour.headers,
    };
    res.writeHead(answer.status, headers);
    if (behaviour.reset === 'afterHeaders') {
      record.outcome = 'reset';
      const half = wire.subarray(0, Math.floor(wire.length / 2));
      record.bytesOutWire = half.length;
      res.flushHeaders();
      res.write(half, () => req.socket.destroy());
      return;
    }
    if (behaviour.slowBody !== undefined) return this.trickle(res, record, wire, behaviour.slowBody, signal);
    record.bytesOutWire = wire.length;
    res.end(wire);
  }

  private async trickle(
    res: ServerResponse,
    record: RequestRecord,
    wire: Buffer,
    { chunkBytes, intervalMs }: SlowBody,
    signal: AbortSignal,
  ): Promise<void> {
    for (let offset = 0; offset < wire.length; offset += chunkBytes) {
      if (offset > 0) await sleep(intervalMs, undefined, { signal });
      const chunk = wire.subarray(offset, offset + chunkBytes);
      record.bytesOutWire += chunk.length;
      res.write(chunk);
    }
    res.end();
  }
}
