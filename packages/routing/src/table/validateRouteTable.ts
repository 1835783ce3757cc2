import type { ConfigIssue, RouteConfig } from '@slipstream/contracts';
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

const METHOD = /^[A-Za-z]+$/;

/**
 * Compiles every route and collects every reason the table is invalid: a missing or duplicate
 * id, a malformed path or method, an empty method list, no or unknown or repeated clusters, an
 * unknown QoS class, a bad rate limit or timeout, and routes shadowed by a route that matches
 * all their requests and always wins.
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
    if (typeof route.id !== 'string' || route.id === '')
      issue('id', 'a non-empty string', JSON.stringify(route.id));
    else if (seen.has(route.id)) issue('id', 'a unique id', `a duplicate of routes[${seen.get(route.id)}]`);
    else seen.set(route.id, order);

    const path = RoutePath.compile(route.match.path);
    if (Array.isArray(path))
      for (const reason of path) issue('match.path', 'a valid prefix or pattern', reason);

    const methodList = route.match.method === undefined ? undefined : [route.match.method].flat();
    if (methodList?.length === 0) issue('match.method', 'at least one method', '[] (it can never match)');
    for (const m of methodList ?? [])
      if (!METHOD.test(m)) issue('match.method', 'an HTTP method', JSON.stringify(m));

    const clusters = [route.cluster].flat();
    if (clusters.length === 0) issue('cluster', 'at least one cluster', '[]');
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
    for (const key of ['timeoutMs', 'retries'] as const) {
      const v = policy[key];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0))
        issue(`policy.${key}`, 'a finite number ≥ 0', String(v));
    }
    const perTry = policy.perTryTimeoutMs;
    if (perTry !== undefined && !(Number.isFinite(perTry) && perTry > 0))
      issue('policy.perTryTimeoutMs', 'a finite number of ms > 0', String(perTry));
    const retryOn = policy.retryOn;
    if (
      retryOn !== undefined &&
      !(Array.isArray(retryOn) && retryOn.every((s) => Number.isInteger(s) && s >= 400 && s <= 599))
    )
      issue('policy.retryOn', 'an array of status codes 400–599', JSON.stringify(retryOn));
    const hedge = policy.hedge;
    if (hedge !== undefined) {
      if (typeof hedge !== 'object' || hedge === null) issue('policy.hedge', 'an object', String(hedge));
      else {
        if (hedge.delayMs !== undefined && !(Number.isFinite(hedge.delayMs) && hedge.delayMs >= 0))
          issue('policy.hedge.delayMs', 'a finite number of ms ≥ 0', String(hedge.delayMs));
        if (hedge.quantile !== undefined && !(hedge.quantile > 0 && hedge.quantile < 1))
          issue('policy.hedge.quantile', 'a fraction in (0, 1)', String(hedge.quantile));
        if (hedge.maxExtra !== undefined && !(Number.isInteger(hedge.maxExtra) && hedge.maxExtra >= 1))
          issue('policy.hedge.maxExtra', 'an integer ≥ 1', String(hedge.maxExtra));
      }
    }
    let bucket: TokenBucket | undefined;
    if (policy.rateLimit) {
      const { ratePerSec, burst } = policy.rateLimit;
      if (!(Number.isFinite(ratePerSec) && ratePerSec > 0 && Number.isFinite(burst) && burst >= 1)) {
        issue('policy.rateLimit', 'ratePerSec > 0 and burst ≥ 1', `${ratePerSec}/s, burst ${burst}`);
      } else {
        bucket = new TokenBucket({ ratePerSec, burst, clock: context.clock ?? monotonicClock });
      }
    }
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

/** Formats one issue the way `ConfigError` does. */
function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: expected ${issue.expected}, received ${issue.received}`;
}

/**
 * Every reason the route table is invalid, one message each naming the route; empty when it
 * is valid. See {@link inspectRouteTable} for what is checked.
 */
export function validateRouteTable(
  routes: readonly RouteConfig[],
  knownClusters?: Iterable<string>,
  qosClasses?: Iterable<string>,
): string[] {
  return inspectRouteTable(routes, { knownClusters, qosClasses }).issues.map(formatIssue);
}
