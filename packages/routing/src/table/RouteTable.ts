import { ConfigError, type RouteConfig } from '@slipstream/contracts';
import type { TokenBucket } from '../shaping/TokenBucket';
import {
  compareSpecificity,
  matchesConstraints,
  type CompiledRoute,
  type RequestHeaders,
  type RoutePolicy,
} from './CompiledRoute';
import { inspectRouteTable, type RouteTableContext } from './inspectRouteTable';

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

/**
 * A compiled route with what a match hands out, built once: the frozen resolved route per
 * cluster (params empty), and the count of requests it matched.
 */
interface RouteEntry {
  readonly route: CompiledRoute;
  /** One resolved route per cluster of the route, `cluster` set to it; index 0 is the primary. */
  readonly resolved: readonly ResolvedRoute[];
  requests: number;
}

/** Candidates of one method, each list in specificity order. */
interface MethodIndex {
  exact: Map<string, RouteEntry[]>;
  patternsByFirst: Map<string, RouteEntry[]>;
  patternsOther: RouteEntry[];
  prefixes: RouteEntry[];
  hasPatterns: boolean;
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
  private readonly entries: readonly RouteEntry[];

  private constructor(
    routes: readonly RouteConfig[],
    compiled: readonly CompiledRoute[],
    options: RouteTableOptions,
  ) {
    this.version = options.version ?? 1;
    this.defaultQosClass = options.defaultQosClass ?? 'standard';
    this.routes = Object.freeze([...routes]);
    const defaultQosClass = this.defaultQosClass;
    const version = this.version;
    const sorted = [...compiled].sort(compareSpecificity).map((route): RouteEntry => ({
      route,
      resolved: route.clusters.map((cluster) =>
        Object.freeze({
          id: route.id,
          cluster,
          clusters: route.clusters,
          policy: route.policy,
          qosClass: route.policy.qosClass ?? defaultQosClass,
          params: EMPTY_PARAMS,
          bucket: route.bucket,
          tableVersion: version,
        }),
      ),
      requests: 0,
    }));
    this.entries = sorted;
    const methods = new Set(sorted.flatMap((e) => [...(e.route.methods ?? [])]));
    for (const method of methods)
      this.byMethod.set(
        method,
        indexRoutes(sorted.filter((e) => !e.route.methods || e.route.methods.has(method))),
      );
    this.anyMethod = indexRoutes(sorted.filter((e) => !e.route.methods));
    Object.freeze(this);
  }

  /**
   * Compiles and validates a route table. Throws a `ConfigError` listing every reason when it
   * is invalid (see `inspectRouteTable`).
   */
  static compile(routes: readonly RouteConfig[], options: RouteTableOptions = {}): RouteTable {
    const { routes: compiled, issues } = inspectRouteTable(routes, options);
    if (issues.length > 0) throw new ConfigError(issues);
    return new RouteTable(routes, compiled, options);
  }

  /**
   * The most specific route matching the request, or `undefined` when none does; counts the
   * request for the route (see `requestsByRoute`). For a route with several clusters,
   * `chooseCluster(routeId)` picks the index of the cluster to send to (defaults to 0, the
   * primary). Allocates nothing unless the route captures `:params`.
   */
  match(req: RouteRequest, chooseCluster?: (routeId: string) => number): ResolvedRoute | undefined {
    const index =
      this.byMethod.size === 0
        ? this.anyMethod
        : (this.byMethod.get(req.method) ?? this.byMethod.get(req.method.toUpperCase()) ?? this.anyMethod);
    const q = req.path.indexOf('?');
    const path = q === -1 ? req.path : req.path.slice(0, q);
    const { host, headers } = req;

    const exact = index.exact.get(path);
    if (exact)
      for (const e of exact)
        if (matchesConstraints(e.route, host, headers)) return resolve(e, undefined, chooseCluster);
    if (index.hasPatterns) {
      // The first segment (between the first and second `/`) picks the candidate patterns.
      const a = path.indexOf('/');
      const b = a === -1 ? -1 : path.indexOf('/', a + 1);
      const first = a === -1 ? '' : path.slice(a + 1, b === -1 ? path.length : b);
      for (const e of index.patternsByFirst.get(first) ?? index.patternsOther) {
        if (!matchesConstraints(e.route, host, headers)) continue;
        const params = e.route.path.matchPattern(path);
        if (params) return resolve(e, e.route.path.hasParams ? params : undefined, chooseCluster);
      }
    }
    for (const e of index.prefixes)
      if (e.route.path.matchesPrefix(path) && matchesConstraints(e.route, host, headers))
        return resolve(e, undefined, chooseCluster);
    return undefined;
  }

  /** Requests each route matched in this table (routes without any are left out). */
  requestsByRoute(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entries) if (e.requests > 0) counts[e.route.id] = e.requests;
    return counts;
  }
}

const EMPTY_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/** Counts the request and hands out the entry's resolved route, a fresh one only when it carries params. */
function resolve(
  e: RouteEntry,
  params: Readonly<Record<string, string>> | undefined,
  chooseCluster: ((routeId: string) => number) | undefined,
): ResolvedRoute {
  e.requests++;
  const resolved =
    e.resolved.length > 1 && chooseCluster ? e.resolved[chooseCluster(e.route.id)] : e.resolved[0];
  // The chooser's index is always within the route's clusters; the primary is the safe fallback.
  const route = resolved ?? e.resolved[0]!;
  return params ? Object.freeze({ ...route, params: Object.freeze(params) }) : route;
}

function indexRoutes(sorted: readonly RouteEntry[]): MethodIndex {
  const exact = new Map<string, RouteEntry[]>();
  const prefixes = sorted.filter((e) => e.route.path.kind === 'prefix');
  for (const e of prefixes) {
    const source = e.route.path.source;
    exact.set(source, [...(exact.get(source) ?? []), e]);
  }
  const patterns = sorted.filter((e) => e.route.path.kind === 'pattern');
  const patternsOther = patterns.filter((e) => e.route.path.firstLiteral === undefined);
  const patternsByFirst = new Map<string, RouteEntry[]>();
  for (const first of new Set(patterns.map((e) => e.route.path.firstLiteral))) {
    if (first === undefined) continue;
    // Merge in specificity order: a literal-first pattern and a param-first one may both apply.
    patternsByFirst.set(
      first,
      patterns.filter((e) => e.route.path.firstLiteral === first || e.route.path.firstLiteral === undefined),
    );
  }
  return { exact, patternsByFirst, patternsOther, prefixes, hasPatterns: patterns.length > 0 };
}
