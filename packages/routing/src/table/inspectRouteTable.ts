import { parseConfig, routeSchema } from '@slipstream/config';
import { ConfigError, type ConfigIssue, type RouteConfig } from '@slipstream/contracts';
import { monotonicClock, type Clock } from '../clock';
import { TokenBucket } from '../shaping/TokenBucket';
import { compareSpecificity, constraintsCover, type CompiledRoute } from './CompiledRoute';
import { RoutePath } from './RoutePath';

/** What a route table is checked against. */
export interface RouteTableContext {
  /** Cluster names routes may point at; unchecked when omitted. */
  knownClusters?: Iterable<string>;
  /** QoS class names a policy may name; unchecked when omitted. */
  qosClasses?: Iterable<string>;
  /** Clock of the routes' token buckets. Defaults to `performance.now()`. */
  clock?: Clock;
}

/** A route table compiled, with every reason it is invalid (none when it is valid). */
export interface RouteTableInspection {
  routes: CompiledRoute[];
  issues: ConfigIssue[];
}

/**
 * Compiles every route and collects every reason the table is invalid. Each route's fields are
 * checked by the config package's `routeSchema` (the one schema the client, the bus command and
 * the config file use); a route with a malformed field is not compiled further. Then what spans
 * routes: a duplicate id, a malformed path pattern, unknown or repeated clusters, an unknown QoS
 * class, and routes shadowed by a route that matches all their requests and always wins.
 */
export function inspectRouteTable(
  routes: readonly RouteConfig[],
  context: RouteTableContext = {},
): RouteTableInspection {
  const issues: ConfigIssue[] = [];
  const known = context.knownClusters ? new Set(context.knownClusters) : undefined;
  const classes = context.qosClasses ? new Set(context.qosClasses) : undefined;
  const seen = new Map<string, number>();
  const compiled: CompiledRoute[] = [];

  routes.forEach((route, order) => {
    const at = `routes[${order}]`;
    const name = `route "${route.id}"`;
    const issue = (field: string, expected: string, received: string): void => {
      issues.push({ path: field ? `${at}.${field}` : at, expected, received: `${received} (${name})` });
    };
    if (seen.has(route.id)) issue('id', 'a unique id', `a duplicate of routes[${seen.get(route.id)}]`);
    else if (typeof route.id === 'string') seen.set(route.id, order);
    const malformed = schemaIssues(route, order);
    if (malformed.length > 0) return void issues.push(...malformed);

    const path = RoutePath.compile(route.match.path);
    if (Array.isArray(path))
      for (const reason of path) issue('match.path', 'a valid prefix or pattern', reason);

    const methodList = route.match.method === undefined ? undefined : [route.match.method].flat();
    const clusters = [route.cluster].flat();
    clusters.forEach((c, i) => {
      if (known && !known.has(c))
        issue('cluster', `a known cluster (${[...known].join(', ')})`, `unknown "${c}"`);
      if (clusters.indexOf(c) !== i) issue('cluster', 'distinct clusters', `"${c}" twice`);
    });

    const policy = route.policy ?? {};
    if (classes && policy.qosClass !== undefined && !classes.has(policy.qosClass)) {
      issue(
        'policy.qosClass',
        `a known QoS class (${[...classes].join(', ')})`,
        `unknown "${policy.qosClass}"`,
      );
    }
    const bucket =
      policy.rateLimit && new TokenBucket({ ...policy.rateLimit, clock: context.clock ?? monotonicClock });
    if (Array.isArray(path)) return;
    const headers = Object.entries(route.match.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const);
    const methods = methodList && new Set(methodList.map((m) => m.toUpperCase()));
    const host = route.match.host?.toLowerCase();
    compiled.push({
      id: route.id,
      order,
      path,
      methods,
      host,
      headers,
      constraints: (methods ? 1 : 0) + (host !== undefined ? 1 : 0) + headers.length,
      clusters,
      policy: Object.freeze({ ...policy }),
      bucket,
    });
  });

  for (const b of compiled) {
    const winner = compiled.find(
      (a) => a !== b && b.path.coveredBy(a.path) && constraintsCover(a, b) && compareSpecificity(a, b) < 0,
    );
    if (winner) {
      issues.push({
        path: `routes[${b.order}]`,
        expected: 'a route that can match some request',
        received: `route "${b.id}" shadowed by route "${winner.id}" (routes[${winner.order}]), which matches all its requests and always wins`,
      });
    }
  }
  return { routes: compiled, issues };
}

/** The issues `routeSchema` finds in the route at `order`, with paths from `routes`. */
function schemaIssues(route: RouteConfig, order: number): ConfigIssue[] {
  try {
    parseConfig(routeSchema, route, ['routes', order]);
    return [];
  } catch (err) {
    if (ConfigError.is(err)) return [...err.issues];
    throw err;
  }
}
