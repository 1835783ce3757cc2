import type { LoadBalancingConfig, UpstreamConnectionConfig } from '@slipstream/contracts';

/**
 * A cluster's config as a bus reply may carry it: without the private keys of its client
 * certificates (`tls.key` on the cluster and on each endpoint), which are PEM text more often
 * than a path and must not travel the bus. Everything else is the config in force.
 */
export function withoutTlsKeys(cluster: LoadBalancingConfig): LoadBalancingConfig {
  const copy = withoutKey(cluster);
  if (cluster.endpoints) copy.endpoints = cluster.endpoints.map(withoutKey);
  return copy;
}

function withoutKey<T extends UpstreamConnectionConfig>(config: T): T {
  if (config.tls?.key === undefined) return config;
  const { key: _key, ...tls } = config.tls;
  return { ...config, tls };
}
