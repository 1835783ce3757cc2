import type { RouteConfig } from '@slipstream/contracts';
import type { TokenBucket } from '../shaping/TokenBucket';
import type { RoutePath } from './RoutePath';

/** A route's policy: timeouts, retries, QoS class, compression, rate limit. */
export type RoutePolicy = NonNullable<RouteConfig['policy']>;

/** Request headers as Node and undici hand them over. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A route compiled for matching. Immutable. */
export interface CompiledRoute {
  readonly id: string;
  /** Position in the configured list (the last tie-breaker). */
  readonly order: number;
  readonly path: RoutePath;
  /** Upper-case methods; `undefined` matches any. */
  readonly methods: ReadonlySet<string> | undefined;
  /** Lower-case host; `undefined` matches any. */
  readonly host: string | undefined;
  /** Lower-case header names with the value each must have. */
  readonly headers: readonly (readonly [string, string])[];
  /** Number of method, host and header constraints (specificity after the path). */
  readonly constraints: number;
  /** Target clusters, preferred first. */
  readonly clusters: readonly string[];
  readonly policy: Readonly<RoutePolicy>;
  /** The route's token bucket, when its policy has a rate limit. */
  readonly bucket: TokenBucket | undefined;
}

/**
 * The specificity order (negative when `a` wins over `b`). Both must have the same path kind;
 * across kinds an exact path beats a pattern, which beats a prefix.
 *
 * - Patterns: more literal segments, then no rest wildcard over one, then more segments.
 * - Prefixes: the longer prefix.
 * - Then more method/host/header constraints, then declaration order.
 */
export function compareSpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const byPath =
    a.path.kind === 'pattern'
      ? b.path.literals - a.path.literals ||
        Number(a.path.hasRest) - Number(b.path.hasRest) ||
        b.path.length - a.path.length
      : b.path.source.length - a.path.source.length;
  return byPath || b.constraints - a.constraints || a.order - b.order;
}

/** Whether the request's method, host and headers satisfy the route's constraints (not its path). */
export function matchesConstraints(
  route: CompiledRoute,
  host: string | undefined,
  headers: RequestHeaders | undefined,
): boolean {
  if (route.host !== undefined && (host === undefined || !hostMatches(route.host, host))) return false;
  for (const [name, value] of route.headers) {
    const got = headers?.[name] ?? findHeader(headers, name);
    if (got === undefined || (typeof got === 'string' ? got !== value : !got.includes(value))) return false;
  }
  return true;
}

/**
 * Whether every request `b` matches on method, host and headers, `a` matches too.
 */
export function constraintsCover(a: CompiledRoute, b: CompiledRoute): boolean {
  if (a.methods && (!b.methods || [...b.methods].some((m) => !a.methods!.has(m)))) return false;
  if (a.host !== undefined && a.host !== b.host) return false;
  return a.headers.every(([name, value]) => b.headers.some(([n, v]) => n === name && v === value));
}

function hostMatches(routeHost: string, requestHost: string): boolean {
  const host = requestHost.toLowerCase();
  if (host === routeHost) return true;
  // A route host without a port matches the request host on any port.
  return !routeHost.includes(':') && host.startsWith(routeHost) && host[routeHost.length] === ':';
}

function findHeader(
  headers: RequestHeaders | undefined,
  name: string,
): string | readonly string[] | undefined {
  if (!headers) return undefined;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}
