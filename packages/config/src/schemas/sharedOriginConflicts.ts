import type { ConfigIssue, EndpointConfig, UpstreamConnectionConfig } from '@slipstream/contracts';
import { UPSTREAM_CONNECTION_DEFAULTS } from './upstreamConnectionSchema';

/** What the check reads of a cluster. */
type ClusterConnections = UpstreamConnectionConfig & {
  cluster: string;
  endpoints?: readonly EndpointConfig[] | undefined;
};

/** Where an endpoint's settings are, for an issue: `clusters[0].endpoints[1]` or `clusters.api.endpoints[https://a:1]`. */
export type EndpointPath = (clusterIndex: number, endpointIndex: number) => string;

/** One setting in which an endpoint differs from the first endpoint of another cluster at its origin. */
export interface SharedOriginConflict {
  /** The differing endpoint: its cluster's and its own index. */
  clusterIndex: number;
  endpointIndex: number;
  /** The setting, `protocol` or `tls.ca`. */
  field: string;
  /** An issue for it, paths given by `pathOf`. */
  issue: ConfigIssue;
}

/** `http://h:80` and `HTTP://H` are one origin: `URL.origin` (host lower-cased, default port dropped). */
export function canonicalOrigin(origin: string): string {
  return URL.canParse(origin) ? new URL(origin).origin : origin;
}

/** An endpoint's connection settings in force: the endpoint's over the cluster's (`tls` field by field), defaults filled in. */
function connectionSettings(cluster: ClusterConnections, endpoint: EndpointConfig): Record<string, unknown> {
  const tls = { ...cluster.tls, ...endpoint.tls };
  const d = UPSTREAM_CONNECTION_DEFAULTS;
  return {
    protocol: endpoint.protocol ?? cluster.protocol ?? d.protocol,
    maxConcurrentStreams:
      endpoint.maxConcurrentStreams ?? cluster.maxConcurrentStreams ?? d.maxConcurrentStreams,
    maxRequestsPerConnection:
      endpoint.maxRequestsPerConnection ?? cluster.maxRequestsPerConnection ?? d.maxRequestsPerConnection,
    maxConnectionAgeMs: endpoint.maxConnectionAgeMs ?? cluster.maxConnectionAgeMs ?? d.maxConnectionAgeMs,
    maxConnectionAgeJitter:
      endpoint.maxConnectionAgeJitter ?? cluster.maxConnectionAgeJitter ?? d.maxConnectionAgeJitter,
    'tls.ca': tls.ca,
    'tls.cert': tls.cert,
    'tls.key': tls.key,
    'tls.servername': tls.servername,
    'tls.rejectUnauthorized': tls.rejectUnauthorized ?? true,
    'tls.minVersion': tls.minVersion ?? 'TLSv1.2',
  };
}

/** A setting as an issue shows it: PEM text is not printed, only said to be there. */
function shown(value: unknown): string {
  if (typeof value === 'string' && value.includes('-----BEGIN')) return 'PEM text';
  return value === undefined ? 'not set' : JSON.stringify(value);
}

/**
 * Endpoints of different clusters at one origin share that origin's connection pool, so they
 * must ask for the same connections: one issue per setting in which a later cluster's endpoint
 * differs from the first one at that origin (TLS material compared as written: the same file
 * path, or the same PEM text). Origins are compared canonically (`canonicalOrigin`), so
 * `http://h:80` and `http://h` cannot be used to get around it.
 */
export function sharedOriginConflicts(
  clusters: readonly ClusterConnections[],
  pathOf: EndpointPath,
): SharedOriginConflict[] {
  const first = new Map<string, { ci: number; ei: number; settings: Record<string, unknown> }>();
  const conflicts: SharedOriginConflict[] = [];
  clusters.forEach((cluster, ci) => {
    cluster.endpoints?.forEach((endpoint, ei) => {
      const origin = canonicalOrigin(endpoint.origin);
      const settings = connectionSettings(cluster, endpoint);
      const seen = first.get(origin);
      if (seen === undefined) {
        first.set(origin, { ci, ei, settings });
        return;
      }
      if (seen.ci === ci) return;
      for (const [field, value] of Object.entries(settings)) {
        const expected = seen.settings[field];
        if (value === expected) continue;
        conflicts.push({
          clusterIndex: ci,
          endpointIndex: ei,
          field,
          issue: {
            path: `${pathOf(ci, ei)}.${field}`,
            expected: `${shown(expected)} as at ${pathOf(seen.ci, seen.ei)}.${field} (cluster "${clusters[seen.ci]?.cluster}"): endpoints at one origin (${origin}) share its connections, so every cluster must give it the same connection settings`,
            received: shown(value),
          },
        });
      }
    });
  });
  return conflicts;
}
