import {
  parseConfig,
  poolManagerOptionsSchema,
  resolveUpstreamTls,
  UPSTREAM_CONNECTION_DEFAULTS,
  type ResolvedUpstreamTls,
} from '@slipstream/config';
import {
  ConfigError,
  type CompressionAlgorithm,
  type ConfigIssue,
  type ConnectionPoolingConfig,
  type UpstreamConnectionConfig,
} from '@slipstream/contracts';

/**
 * Per-origin settings: request bodies sent to that origin, and how its connections are made
 * (TLS, protocol) and how long they live (see `UpstreamConnectionConfig` for each default).
 */
export interface OriginSettings extends UpstreamConnectionConfig {
  /** Request body compression; only set it for upstreams that accept it. Defaults to 'none'. */
  requestCompression?: CompressionAlgorithm;
  /** Compress request bodies at least this big, bytes. Defaults to 1_024 bytes. */
  compressionThresholdBytes?: number;
}

/** Options of a `PoolManager`: the pooling settings plus per-origin body compression. */
export interface PoolManagerOptions extends ConnectionPoolingConfig {
  /** Per-origin settings keyed by origin (`http://host:port`). Defaults to {} (no compression anywhere). */
  origins?: Record<string, OriginSettings>;
}

/** One origin's settings after defaults were applied, TLS files read and validation passed. */
export interface ResolvedOriginSettings extends Required<Omit<OriginSettings, 'tls'>> {
  /** TLS material and settings; undefined: Node's defaults. */
  tls: ResolvedUpstreamTls | undefined;
}

/** The options after defaults were applied and validation passed. */
export interface ResolvedPoolOptions extends Required<ConnectionPoolingConfig> {
  /** Keyed by normalised origin (`URL.origin`). */
  origins: Record<string, ResolvedOriginSettings>;
}

/** Default of every pooling option (units in `ConnectionPoolingConfig`). */
export const POOL_DEFAULTS: Readonly<Required<ConnectionPoolingConfig>> = Object.freeze({
  connections: 50,
  pipelining: 1,
  keepAliveTimeoutMs: 4_000,
  keepAliveMaxTimeoutMs: 600_000,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  maxResponseSize: -1,
  maxPending: 1_000,
  queueTimeoutMs: 10_000,
  allowH2: false,
  idleOriginTtlMs: 300_000,
});

/** Default per-origin settings. */
export const ORIGIN_DEFAULTS: Readonly<ResolvedOriginSettings> = Object.freeze({
  requestCompression: 'none',
  compressionThresholdBytes: 1_024,
  tls: undefined,
  ...UPSTREAM_CONNECTION_DEFAULTS,
});

/** Normalises an origin the way `URL.origin` does; throws a `ConfigError` naming `path` when it is not one. */
export function normaliseOrigin(origin: string, path = 'origin'): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError([{ path, expected: 'an http(s) origin', received: JSON.stringify(origin) }]);
  }
  return url.origin;
}

/**
 * Merges one origin's `settings` (shape already checked by the schema) over `prev`, reading TLS
 * files anew when `settings.tls` is given, and checks what depends on the origin's scheme.
 */
function resolveOrigin(
  origin: string,
  path: string,
  settings: OriginSettings,
  prev: ResolvedOriginSettings,
  issues: ConfigIssue[],
): ResolvedOriginSettings {
  const merged: ResolvedOriginSettings = {
    requestCompression: settings.requestCompression ?? prev.requestCompression,
    compressionThresholdBytes: settings.compressionThresholdBytes ?? prev.compressionThresholdBytes,
    tls: settings.tls === undefined ? prev.tls : resolveUpstreamTls(settings.tls, `${path}.tls`, issues),
    protocol: settings.protocol ?? prev.protocol,
    maxConcurrentStreams: settings.maxConcurrentStreams ?? prev.maxConcurrentStreams,
    maxRequestsPerConnection: settings.maxRequestsPerConnection ?? prev.maxRequestsPerConnection,
    maxConnectionAgeMs: settings.maxConnectionAgeMs ?? prev.maxConnectionAgeMs,
    maxConnectionAgeJitter: settings.maxConnectionAgeJitter ?? prev.maxConnectionAgeJitter,
  };
  const https = origin.startsWith('https:');
  if (merged.protocol !== 'h1' && !https) {
    issues.push({
      path: `${path}.protocol`,
      expected: "'h1' for an http origin (HTTP/2 needs TLS)",
      received: merged.protocol,
    });
  } else if (merged.protocol !== 'h1' && merged.maxRequestsPerConnection > 0) {
    issues.push({
      path: `${path}.maxRequestsPerConnection`,
      expected: "0 with protocol 'h2' or 'auto' (HTTP/2 connections are bounded by maxConnectionAgeMs)",
      received: String(merged.maxRequestsPerConnection),
    });
  }
  if (settings.tls !== undefined && !https) {
    issues.push({ path: `${path}.tls`, expected: 'an https origin', received: origin });
  }
  return merged;
}

function checkOrigins(
  origins: Record<string, OriginSettings>,
  base: Record<string, ResolvedOriginSettings>,
  issues: ConfigIssue[],
): Record<string, ResolvedOriginSettings> {
  const out: Record<string, ResolvedOriginSettings> = { ...base };
  for (const [key, settings] of Object.entries(origins)) {
    let origin: string;
    try {
      origin = normaliseOrigin(key, `origins.${key}`);
    } catch (err) {
      issues.push(...(err as ConfigError).issues);
      continue;
    }
    out[origin] = resolveOrigin(origin, `origins.${key}`, settings, out[origin] ?? ORIGIN_DEFAULTS, issues);
  }
  return out;
}

/**
 * Validates `partial` (`poolManagerOptionsSchema` of `@slipstream/config`: unknown keys refused,
 * types and ranges), applies it over `base` (the defaults when omitted) and checks what spans
 * fields (keep-alive cap, origin keys). Throws one `ConfigError` listing every refused field;
 * `base` is never modified.
 */
export function resolvePoolOptions(
  partial: PoolManagerOptions = {},
  base: ResolvedPoolOptions = { ...POOL_DEFAULTS, origins: {} },
): ResolvedPoolOptions {
  parseConfig(poolManagerOptionsSchema, partial);
  const issues: ConfigIssue[] = [];
  const merged: ResolvedPoolOptions = {
    connections: partial.connections ?? base.connections,
    pipelining: partial.pipelining ?? base.pipelining,
    keepAliveTimeoutMs: partial.keepAliveTimeoutMs ?? base.keepAliveTimeoutMs,
    keepAliveMaxTimeoutMs: partial.keepAliveMaxTimeoutMs ?? base.keepAliveMaxTimeoutMs,
    connectTimeoutMs: partial.connectTimeoutMs ?? base.connectTimeoutMs,
    headersTimeoutMs: partial.headersTimeoutMs ?? base.headersTimeoutMs,
    bodyTimeoutMs: partial.bodyTimeoutMs ?? base.bodyTimeoutMs,
    maxResponseSize: partial.maxResponseSize ?? base.maxResponseSize,
    maxPending: partial.maxPending ?? base.maxPending,
    queueTimeoutMs: partial.queueTimeoutMs ?? base.queueTimeoutMs,
    allowH2: partial.allowH2 ?? base.allowH2,
    idleOriginTtlMs: partial.idleOriginTtlMs ?? base.idleOriginTtlMs,
    origins: base.origins,
  };
  if (merged.keepAliveMaxTimeoutMs < merged.keepAliveTimeoutMs) {
    issues.push({
      path: 'keepAliveMaxTimeoutMs',
      expected: `>= keepAliveTimeoutMs (${merged.keepAliveTimeoutMs})`,
      received: String(merged.keepAliveMaxTimeoutMs),
    });
  }
  merged.origins = checkOrigins(partial.origins ?? {}, base.origins, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return merged;
}
