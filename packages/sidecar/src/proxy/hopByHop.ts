import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { HOP_BY_HOP_HEADERS } from '@slipstream/contracts';

/** `HOP_BY_HOP_HEADERS` as a set, for the per-header check. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

const NONE: ReadonlySet<string> = new Set();

/** Most distinct `Connection` values whose token sets are kept (`keep-alive`, `close`, ...). */
const KNOWN_VALUES = 64;
const tokenSets = new Map<string, ReadonlySet<string>>();

/**
 * The header names the `Connection` field lists (lower case): hop-by-hop for this message too.
 * Almost every message says `keep-alive` or `close`: the sets of the first values seen are
 * kept, so those cost no allocation per message.
 */
export function connectionTokens(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const value = headers.connection;
  if (value === undefined) return NONE;
  let tokens = tokenSets.get(value);
  if (tokens === undefined) {
    tokens = new Set(value.split(',').map((token) => token.trim().toLowerCase()));
    if (tokenSets.size < KNOWN_VALUES) tokenSets.set(value, tokens);
  }
  return tokens;
}

/** Whether `name` (lower case) must not be forwarded: hop-by-hop, or listed in `Connection`. */
export function isHopByHop(name: string, listed: ReadonlySet<string>): boolean {
  return HOP_BY_HOP.has(name) || listed.has(name);
}

/**
 * A response's headers as the sidecar sends them on: hop-by-hop fields removed and this hop
 * appended to `via`.
 */
export function responseHeaders(headers: IncomingHttpHeaders, via: string): OutgoingHttpHeaders {
  const listed = connectionTokens(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !isHopByHop(name, listed)) out[name] = value;
  }
  out.via = appendVia(headers.via, via);
  return out;
}

/** `via` with `hop` appended. */
export function appendVia(previous: string | undefined, hop: string): string {
  return previous === undefined || previous === '' ? hop : `${previous}, ${hop}`;
}
