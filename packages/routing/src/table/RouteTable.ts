import { ConfigError, type RouteConfig } from '@slipstream/contracts';
import type { TokenBucket } from '../shaping/TokenBucket';
import {
  compareSpecificity,
  matchesConstraints,
  type CompiledRoute,
  type RequestHeaders,
  type RoutePolicy,
} from './CompiledRoute';
import { inspectRouteTable, type RouteTableContext } from './validateRouteTable';

/** What a route is matched against. */
export interface RouteRequest {
  method: string;
  /** The `Host` (or `:authority`); host-constrained routes do not match without it. */
  host?: string;
  /** The path; a query string is ignored. */
  path: string;
  headers?: RequestHeaders;
}

/** The route a request resolved to. Immutable; in-flight requests keep using it after a reload. */
export interface ResolvedRoute {
  /** The route's id. */
  readonly id: string;
  /** The cluster to send to: the primary here; the `Router` puts the adaptive choice. */
  readonly cluster: string;
  /** All the route's clusters, preferred first. */
  readonly clusters: readonly string[];
  readonly policy: Readonly<RoutePolicy>;
  /** The QoS class: the policy's, else the table's default. */
  readonly qosClass: string;
  /** Values captured by the pattern's `:params`. */
  readonly params: Readonly<Record<string, string>>;
  /** The route's token bucket, when it has a rate limit. */
  readonly bucket: TokenBucket | undefined;
  /** Version of the table it was matched in. */
  readonly tableVersion: number;
}

/** Options of {@link RouteTable.compile}. */
export interface RouteTableOptions extends RouteTableContext {
  /** Version number stamped on resolved routes. Defaults to 1. */
  version?: number;
  /** The class of routes whose policy names none. Defaults to 'standard'. */
  defaultQosClass?: string;
}

/** Candidates of one method, each list in specificity order. */
interface MethodIndex {
  exact: Map<string, CompiledRoute[]>;
  patternsByFirst: Map<string, CompiledRoute[]>;
  patternsOther: CompiledRoute[];
  prefixes: CompiledRoute[];
}

/**
 * An immutable, compiled route table. The most specific matching route wins,
 * deterministically:
 *
 * 1. by path: an exact path (a prefix equal to the request path) > a pattern > a longer
 *    prefix > a shorter prefix; among patterns, more literal segments > no rest `*` > more
 *    segments;
 * 2. then the route with more method/host/header constraints;
 * 3. then the one declared first.
 *
 * Routes are indexed by method, and patterns by their first literal segment, so a match
 * walks only the candidates that could apply, most specific first, and stops at the first hit.
 */
export class RouteTable {
  /** The table's version. */
  readonly version: number;
  /** The routes as configured. */
  readonly routes: readonly RouteConfig[];
  /** The class of routes whose policy names none. */
  readonly defaultQosClass: string;
  private readonly byMethod = new Map<string, MethodIndex>();
  private readonly anyMethod: MethodIndex;

  private constructor(
    routes: readonly RouteConfig[],
    compiled: readonly CompiledRoute[],
    options: RouteTableOptions,
  ) {
    this.version = options.version ?? 1;
    this.defaultQosClass = options.defaultQosClass ?? 'standard';
    this.routes = Object.freeze([...routes]);
    const sorted = [...compiled].sort(compareSpecificity);
    const methods = new Set(sorted.flatMap((r) => [...(r.methods ?? [])]));
    for (const method of methods)
      this.byMethod.set(method, indexRoutes(sorted.filter((r) => !r.methods || r.methods.has(method))));
    this.anyMethod = indexRoutes(sorted.filter((r) => !r.methods));
    Object.freeze(this);
  }

  /**
   * Compiles and validates a route table. Throws a `ConfigError` listing every reason when it
   * is invalid (see `validateRouteTable`).
   */
  static compile(routes: readonly RouteConfig[], options: RouteTableOptions = {}): RouteTable {
    const { routes: compiled, issues } = inspectRouteTable(routes, options);
    if (issues.length > 0) throw new ConfigError(issues);
    return new RouteTable(routes, compiled, options);
  }

  /** The most specific route matching the request, or `undefined` when none does. */
  match(req: RouteRequest): ResolvedRoute | undefined {
    const index = this.byMethod.get(req.method.toUpperCase()) ?? this.anyMethod;
    const q = req.path.indexOf('?');
    const path = q === -1 ? req.path : req.path.slice(0, q);
    const ok = (r: CompiledRoute): boolean => matchesConstraints(r, req.host, req.headers);

    const exact = index.exact.get(path)?.find(ok);
    if (exact) return this.resolve(exact, {});
    const first = path.split('/', 2)[1] ?? '';
    for (const route of index.patternsByFirst.get(first) ?? index.patternsOther) {
      const m = ok(route) ? route.path.match(path) : undefined;
      if (m) return this.resolve(route, m.params);
    }
    for (const route of index.prefixes)
      if (ok(route) && route.path.match(path)) return this.resolve(route, {});
    return undefined;
  }

  private resolve(route: CompiledRoute, params: Record<string, string>): ResolvedRoute {
    return Object.freeze({
      id: route.id,
      cluster: route.clusters[0]!,
      clusters: route.clusters,
      policy: route.policy,
      qosClass: route.policy.qosClass ?? this.defaultQosClass,
      params: Object.freeze(params),
      bucket: route.bucket,
      tableVersion: this.version,
    });
  }
}

function indexRoutes(sorted: readonly CompiledRoute[]): MethodIndex {
  const exact = new Map<string, CompiledRoute[]>();
  const prefixes = sorted.filter((r) => r.path.kind === 'prefix');
  for (const r of prefixes) exact.set(r.path.source, [...(exact.get(r.path.source) ?? []), r]);
  const patterns = sorted.filter((r) => r.path.kind === 'pattern');
  const patternsOther = patterns.filter((r) => r.path.firstLiteral === undefined);
  const patternsByFirst = new Map<string, CompiledRoute[]>();
  for (const first of new Set(patterns.map((r) => r.path.firstLiteral))) {
    if (first === undefined) continue;
    // Merge in specificity order: a literal-first pattern and a param-first one may both apply.
    patternsByFirst.set(
      first,
      patterns.filter((r) => r.path.firstLiteral === first || r.path.firstLiteral === undefined),
    );
  }
  return { exact, patternsByFirst, patternsOther, prefixes };
}
