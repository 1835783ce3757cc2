import { parseConfig, poolManagerOptionsSchema } from '@slipstream/config';
import {
  ConfigError,
  type CompressionAlgorithm,
  type ConfigIssue,
  type ConnectionPoolingConfig,
} from '@slipstream/contracts';

/** Per-origin settings for request bodies sent to that origin. */
export interface OriginSettings {
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

/** The options after defaults were applied and validation passed. */
export interface ResolvedPoolOptions extends Required<ConnectionPoolingConfig> {
  /** Keyed by normalised origin (`URL.origin`). */
  origins: Record<string, Required<OriginSettings>>;
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
export const ORIGIN_DEFAULTS: Readonly<Required<OriginSettings>> = Object.freeze({
  requestCompression: 'none',
  compressionThresholdBytes: 1_024,
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

function checkOrigins(
  origins: Record<string, OriginSettings>,
  base: Record<string, Required<OriginSettings>>,
  issues: ConfigIssue[],
): Record<string, Required<OriginSettings>> {
  const out: Record<string, Required<OriginSettings>> = { ...base };
  for (const [key, settings] of Object.entries(origins)) {
    let origin: string;
    try {
      origin = normaliseOrigin(key, `origins.${key}`);
    } catch (err) {
      issues.push(...(err as ConfigError).issues);
      continue;
    }
    const prev = out[origin] ?? ORIGIN_DEFAULTS;
    out[origin] = {
      requestCompression: settings.requestCompression ?? prev.requestCompression,
      compressionThresholdBytes: settings.compressionThresholdBytes ?? prev.compressionThresholdBytes,
    };
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
