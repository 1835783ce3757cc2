import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';

/** What a test saw of one response: status, headers and the raw (undecoded) body bytes. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Options of `httpRequest`. */
export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Defaults to no agent (one connection per request, closed after). */
  agent?: Agent;
  signal?: AbortSignal;
}

/** One HTTP request with node:http; the body is left exactly as it came off the wire. */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: options.agent ?? false,
        signal: options.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The parsed JSON body of a response. */
export function jsonOf<T = unknown>(res: RawResponse): T {
  return JSON.parse(res.body.toString('utf8')) as T;
}

/** Polls `check` (every 10 ms, at most `timeoutMs`) until it returns true. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
