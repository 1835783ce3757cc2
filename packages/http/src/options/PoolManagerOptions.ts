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

const COMPRESSIONS: readonly CompressionAlgorithm[] = ['none', 'gzip', 'br'];

type NumericKey = {
  [K in keyof Required<ConnectionPoolingConfig>]: Required<ConnectionPoolingConfig>[K] extends number
    ? K
    : never;
}[keyof ConnectionPoolingConfig];

/** Smallest accepted value of each integer option. */
const MINIMUMS: Readonly<Record<NumericKey, number>> = Object.freeze({
  connections: 1,
  pipelining: 1,
  keepAliveTimeoutMs: 1,
  keepAliveMaxTimeoutMs: 1,
  connectTimeoutMs: 0,
  headersTimeoutMs: 0,
  bodyTimeoutMs: 0,
  maxResponseSize: -1,
  maxPending: 0,
  queueTimeoutMs: 1,
  idleOriginTtlMs: 0,
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
    const merged = {
      requestCompression: settings.requestCompression ?? prev.requestCompression,
      compressionThresholdBytes: settings.compressionThresholdBytes ?? prev.compressionThresholdBytes,
    };
    if (!COMPRESSIONS.includes(merged.requestCompression)) {
      issues.push({
        path: `origins.${key}.requestCompression`,
        expected: `one of ${COMPRESSIONS.join(', ')}`,
        received: JSON.stringify(merged.requestCompression),
      });
    }
    if (!Number.isSafeInteger(merged.compressionThresholdBytes) || merged.compressionThresholdBytes < 0) {
      issues.push({
        path: `origins.${key}.compressionThresholdBytes`,
        expected: 'an integer >= 0',
        received: String(merged.compressionThresholdBytes),
      });
    }
    out[origin] = merged;
  }
  return out;
}

/**
 * Applies `partial` over `base` (the defaults when omitted) and validates the result.
 * Throws one `ConfigError` listing every refused field; `base` is never modified.
 */
export function resolvePoolOptions(
  partial: PoolManagerOptions = {},
  base: ResolvedPoolOptions = { ...POOL_DEFAULTS, origins: {} },
): ResolvedPoolOptions {
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
  for (const key of Object.keys(MINIMUMS) as NumericKey[]) {
    const value = merged[key];
    const min = MINIMUMS[key];
    if (!Number.isSafeInteger(value) || value < min) {
      issues.push({ path: key, expected: `an integer >= ${min}`, received: String(value) });
    }
  }
  if (typeof merged.allowH2 !== 'boolean') {
    issues.push({ path: 'allowH2', expected: 'a boolean', received: String(merged.allowH2) });
  }
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
