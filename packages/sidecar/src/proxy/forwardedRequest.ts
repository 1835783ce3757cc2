import type { IncomingHttpHeaders } from 'node:http';
import { appendVia, connectionTokens, isHopByHop } from './hopByHop';

/** The request headers that steer the sidecar itself; read, then stripped before forwarding. */
export const CONTROL_HEADERS = Object.freeze({
  priority: 'x-slipstream-priority',
  timeoutMs: 'x-slipstream-timeout-ms',
  stickyKey: 'x-slipstream-sticky-key',
  cluster: 'x-slipstream-cluster',
});

/**
 * Header fields the sidecar sets itself for the upstream hop instead of copying them.
 * `content-length` is kept: the body streams through as received, and the pool sends exactly
 * that many bytes or fails the request (a route that compresses the body drops it).
 */
const REPLACED: ReadonlySet<string> = new Set(['host', 'expect']);

/** Where a request came from, for `x-forwarded-for`, `forwarded` and `via`. */
export interface RequestOrigin {
  /** The client's address, e.g. `127.0.0.1`. */
  clientAddress: string;
  /** The `Host` the client asked for. */
  host: string;
  /** This hop's `via` entry, e.g. `1.1 slipstream`. */
  via: string;
}

/**
 * A request's headers as the sidecar forwards them (lower-case names, repeated fields joined):
 * hop-by-hop fields (`transfer-encoding` among them), the `x-slipstream-*` control headers,
 * `host` and `expect` removed (the pool sets the endpoint's host; a length it does not know goes chunked); `x-forwarded-for`,
 * `forwarded` (RFC 7239) and `via` appended to; `x-forwarded-host` and `x-forwarded-proto` set
 * (a client's own values replaced: the sidecar is the first hop, reached over plain HTTP).
 */
export function forwardedRequestHeaders(
  headers: IncomingHttpHeaders,
  origin: RequestOrigin,
): Record<string, string> {
  const listed = connectionTokens(headers);
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (
      value === undefined ||
      isHopByHop(name, listed) ||
      REPLACED.has(name) ||
      name.startsWith('x-slipstream-')
    ) {
      continue;
    }
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const forAddress = origin.clientAddress.includes(':')
    ? `"[${origin.clientAddress}]"`
    : origin.clientAddress;
  out['x-forwarded-for'] = join(out['x-forwarded-for'], origin.clientAddress);
  // The client's own values are not trusted: this hop is the first, over plain HTTP.
  out['x-forwarded-host'] = origin.host;
  out['x-forwarded-proto'] = 'http';
  out.forwarded = join(out.forwarded, `for=${forAddress};host="${origin.host}";proto=http`);
  out.via = appendVia(out.via, origin.via);
  return out;
}

function join(previous: string | undefined, value: string): string {
  return previous === undefined || previous === '' ? value : `${previous}, ${value}`;
}
