import type { LoadBalancingConfig } from '@slipstream/contracts';

/** Request headers as node and undici give them. */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The sticky-session key of a request: an explicit `stickyKey` wins; otherwise the header
 * or cookie named by the cluster's `sticky` settings; undefined when there is none.
 */
export function resolveStickyKey(
  request: { stickyKey?: string; headers?: HeaderMap },
  sticky: LoadBalancingConfig['sticky'],
): string | undefined {
  if (request.stickyKey !== undefined) return request.stickyKey;
  if (!sticky?.name || !request.headers) return undefined;
  if (sticky.source === 'cookie') return cookieValue(header(request.headers, 'cookie'), sticky.name);
  return header(request.headers, sticky.name);
}

function header(headers: HeaderMap, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join('; ');
  }
  return undefined;
}

function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
