import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

/** A response read to its end. */
export interface Exchanged {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

/** Options of `send`. */
export interface SendOptions {
  method?: string;
  /** Request target: a path, or an absolute URI (absolute-form). */
  path: string;
  headers?: OutgoingHttpHeaders;
  /** A body sent at once (with content-length unless the headers say otherwise). */
  body?: string | Buffer;
  /** A body sent in these chunks, chunked (no content-length). */
  chunks?: readonly Buffer[];
  /** When given, the headers go out at once and the body only once this settles. */
  hold?: Promise<void>;
}

/**
 * One request on its own connection (node:http, no agent: it sends hop-by-hop headers and
 * absolute-form targets as given); resolves with the response read to its end.
 */
export function send(url: string, options: SendOptions): Promise<Exchanged> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          let json: unknown;
          try {
            json = JSON.parse(body.toString('utf8'));
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on('error', reject);
    const sendBody = (): void => {
      if (options.chunks) {
        for (const chunk of options.chunks) req.write(chunk);
        req.end();
      } else req.end(options.body);
    };
    if (options.hold === undefined) sendBody();
    else {
      req.flushHeaders();
      void options.hold.then(sendBody);
    }
  });
}

/**
 * Writes `text` on a raw TCP connection to `url`'s port and resolves with everything read until
 * the server closes; with `halfClose`, ends the client's side once `text` is written.
 */
export function rawExchange(url: string, text: string, opts: { halfClose?: boolean } = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      opts.halfClose === true ? socket.end(text) : socket.write(text),
    );
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}
