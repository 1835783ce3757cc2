import { canonicalOrigin, sharedOriginConflicts } from '@slipstream/config';
import { ConfigError } from '@slipstream/contracts';
import { ORIGIN_DEFAULTS, resolvePoolOptions, type OriginSettings } from '@slipstream/http';
import type { ClientClusterConfig } from './NetworkClientOptions';

const FIELDS = [
  'protocol',
  'maxConcurrentStreams',
  'maxRequestsPerConnection',
  'maxConnectionAgeMs',
  'maxConnectionAgeJitter',
] as const;

/**
 * The pool settings of each endpoint of `cluster`: the cluster's connection settings with the
 * endpoint's laid over them (`tls` field by field), every omitted field at its default, so that
 * applying them again (a reload) resets what was removed and re-reads the certificate files.
 */
export function upstreamOrigins(cluster: ClientClusterConfig): Record<string, OriginSettings> {
  const origins: Record<string, OriginSettings> = {};
  for (const endpoint of cluster.endpoints ?? []) {
    const settings: OriginSettings = {};
    for (const field of FIELDS) {
      (settings as Record<string, unknown>)[field] =
        endpoint[field] ?? cluster[field] ?? ORIGIN_DEFAULTS[field];
    }
    // Always given for https (a reload that drops `tls` goes back to the defaults); for http only
    // when set, which the pool refuses with an issue naming the origin.
    if (endpoint.origin.startsWith('https:') || cluster.tls !== undefined || endpoint.tls !== undefined) {
      settings.tls = { ...cluster.tls, ...endpoint.tls };
    }
    origins[endpoint.origin] = settings;
  }
  return origins;
}

/** Whether any endpoint of `cluster` skips certificate verification (`tls.rejectUnauthorized: false`). */
export function skipsVerification(cluster: ClientClusterConfig): boolean {
  return (cluster.endpoints ?? []).some(
    (e) => (e.tls?.rejectUnauthorized ?? cluster.tls?.rejectUnauthorized) === false,
  );
}

/**
 * Re-labels the pool's `origins.<origin>.…` issue paths as the cluster config's
 * (`endpoints[<index>].…`), so that the error names what the user configured; the caller
 * prefixes where the cluster config sits (`prefixIssues`).
 */
export function asClusterError(err: unknown, cluster: ClientClusterConfig): unknown {
  const endpoints = cluster.endpoints ?? [];
  return relabelIssues(err, (path) => {
    for (let i = 0; i < endpoints.length; i++) {
      const prefix = `origins.${endpoints[i]!.origin}`;
      if (path.startsWith(prefix)) return `endpoints[${i}]${path.slice(prefix.length)}`;
    }
    return path;
  });
}

/**
 * Checks each cluster's connection settings as its pool will take them (an h2 protocol on an
 * http origin, TLS on an http origin, TLS files unreadable or a key not matching its cert, ...)
 * without building anything; throws a `ConfigError` at the options' paths
 * (`clusters[0].endpoints[0].tls.key`). For who holds cluster configs before a client exists.
 */
export function checkClusterConnections(clusters: readonly ClientClusterConfig[]): void {
  clusters.forEach((cluster, i) => {
    try {
      resolvePoolOptions({ origins: upstreamOrigins(withCanonicalOrigins(cluster)) });
    } catch (err) {
      throw prefixIssues(asClusterError(err, cluster), `clusters[${i}].`);
    }
  });
}

/** `err`'s issue paths with `prefix` in front (`clusters[2].`); any other error as it is. */
export function prefixIssues(err: unknown, prefix: string): unknown {
  return relabelIssues(err, (path) => `${prefix}${path}`);
}

/** A `ConfigError` like `err` with each issue's path mapped by `relabel`; any other error as it is. */
function relabelIssues(err: unknown, relabel: (path: string) => string): unknown {
  if (!ConfigError.is(err)) return err;
  return new ConfigError(
    err.issues.map((i) => ({ ...i, path: relabel(i.path) })),
    { cause: err },
  );
}

/** `cluster` with each endpoint's origin in canonical form (`http://h:80` → `http://h`), so one origin is one endpoint key everywhere. */
export function withCanonicalOrigins(cluster: ClientClusterConfig): ClientClusterConfig {
  if (cluster.endpoints === undefined) return cluster;
  return {
    ...cluster,
    endpoints: cluster.endpoints.map((e) => ({ ...e, origin: canonicalOrigin(e.origin) })),
  };
}

/**
 * Throws a `ConfigError` when an endpoint of `cluster` is at the origin of another cluster's
 * endpoint in `inForce` with different connection settings (they would share one pool, and one
 * cluster's requests would go out with the other's TLS): each issue names both paths, the
 * setting in force and the one received.
 */
export function checkSharedOrigins(
  cluster: ClientClusterConfig,
  inForce: Iterable<ClientClusterConfig>,
): void {
  const clusters = [...inForce].filter((c) => c.cluster !== cluster.cluster);
  clusters.push(cluster);
  const pathOf = (ci: number, ei: number): string => {
    const c = clusters[ci];
    return `clusters.${c?.cluster}.endpoints[${c?.endpoints?.[ei]?.origin}]`;
  };
  const issues = sharedOriginConflicts(clusters, pathOf)
    .filter((conflict) => conflict.clusterIndex === clusters.length - 1)
    .map((conflict) => conflict.issue);
  if (issues.length > 0) throw new ConfigError(issues);
}
