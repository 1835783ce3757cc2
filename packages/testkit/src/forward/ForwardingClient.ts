import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HOP_BY_HOP_HEADERS } from '@slipstream/contracts';
import { decodeBody } from '../http/decodeBody';
import { BEHAVIOUR_HEADER } from '../http/headerNames';
import { jsonAnswer, type RouteAnswer } from '../http/RouteAnswer';
import type { ForwardTarget } from './ForwardTarget';

/** One request to forward, as the forwarding upstream received it. */
export interface ForwardedRequest {
  method: string;
  /** Path and query to send to (already mapped to the target's `path` / `rpcPath`). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The decoded request body; sent as is, without Content-Encoding. */
  body: Buffer;
}

/**
 * Request headers set here instead: Host (the target's), the body's length and encoding (the body
 * goes out decoded, and the answer is asked for uncompressed, so the testkit's own `compress`
 * applies to the client's leg), and the behaviour header, which is meant for this hop only.
 */
const REQUEST_DROPPED = new Set([
  ...HOP_BY_HOP_HEADERS,
  'host',
  'content-length',
  'content-encoding',
  'accept-encoding',
  BEHAVIOUR_HEADER,
]);

/**
 * Response headers set here instead: the body's length, type and encoding (the answer carries
 * the decoded body; the testkit's own `compress` encodes the client's leg, once).
 */
const RESPONSE_DROPPED = new Set([
  ...HOP_BY_HOP_HEADERS,
  'content-length',
  'content-type',
  'content-encoding',
]);

/** `headers` without the `dropped` ones, nor those their Connection header names. */
function endToEnd(headers: IncomingHttpHeaders, dropped: ReadonlySet<string>): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase()),
  );
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name, value]) => value !== undefined && !dropped.has(name) && !named.has(name),
    ),
  );
}

/**
 * The forwarding upstream's client to its real upstream: one keep-alive connection pool
 * (node:http or node:https agent) to `target.origin`. A target that cannot be reached, or
 * breaks off its answer, is answered 502 like a gateway would.
 */
export class ForwardingClient {
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  constructor(readonly target: ForwardTarget) {
    const https = new URL(target.origin).protocol === 'https:';
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.send = https ? httpsRequest : httpRequest;
  }

  /** The path a request for `path` (with `query`) goes to: the target's mapping, else its own. */
  pathFor(path: string, query: string, rpc: boolean): string {
    return (rpc ? this.target.rpcPath : this.target.path) ?? `${path}${query}`;
  }

  /** Sends `request` to the target and resolves with its answer; rejects only when `signal` aborts. */
  forward(request: ForwardedRequest, signal: AbortSignal): Promise<RouteAnswer> {
    return new Promise((resolve, reject) => {
      const req = this.send(
        new URL(request.path, this.target.origin),
        {
          method: request.method,
          agent: this.agent,
          signal,
          headers: {
            ...endToEnd(request.headers, REQUEST_DROPPED),
            'accept-encoding': 'identity',
            'content-length': String(request.body.length),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('error', fail);
          res.once('end', () => {
            // Asked for `identity`, but a service may compress anyway.
            const { encoding, decoded } = decodeBody(Buffer.concat(chunks), res.headers['content-encoding']);
            if (decoded === undefined) {
              resolve(jsonAnswer(502, { error: 'upstream body cannot be decoded', encoding }));
              return;
            }
            resolve({
              status: res.statusCode ?? 502,
              body: decoded,
              contentType: res.headers['content-type'] ?? 'application/octet-stream',
              headers: endToEnd(res.headers, RESPONSE_DROPPED),
            });
          });
        },
      );
      function fail(err: Error): void {
        if (signal.aborted) reject(err);
        else resolve(jsonAnswer(502, { error: 'upstream unreachable', cause: err.message }));
      }
      req.once('error', fail);
      req.end(request.body);
    });
  }

  /** Closes the pool's connections. */
  close(): void {
    this.agent.destroy();
  }
}
