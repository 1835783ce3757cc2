import {
  ConfigError,
  type CompressionAlgorithm,
  type ConfigIssue,
  type ConnectionPoolingConfig,
  type UpstreamConnectionConfig,
} from '@slipstream/contracts';
import { resolveUpstreamTls, type ResolvedUpstreamTls } from './resolveUpstreamTls';

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
  protocol: 'h1',
  maxConcurrentStreams: 100,
  maxRequestsPerConnection: 0,
  maxConnectionAgeMs: 0,
  maxConnectionAgeJitter: 0.1,
});

const PROTOCOLS: readonly string[] = ['h1', 'h2', 'auto'];

/** Integer per-origin options and their smallest accepted value. */
const ORIGIN_MINIMUMS = Object.freeze({
  compressionThresholdBytes: 0,
  maxConcurrentStreams: 1,
  maxRequestsPerConnection: 0,
  maxConnectionAgeMs: 0,
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

/** Merges one origin's `settings` over `prev`, reading TLS files anew when `settings.tls` is given. */
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
  if (!COMPRESSIONS.includes(merged.requestCompression)) {
    issues.push({
      path: `${path}.requestCompression`,
      expected: `one of ${COMPRESSIONS.join(', ')}`,
      received: JSON.stringify(merged.requestCompression),
    });
  }
  for (const [key, min] of Object.entries(ORIGIN_MINIMUMS) as [keyof typeof ORIGIN_MINIMUMS, number][]) {
    if (!Number.isSafeInteger(merged[key]) || merged[key] < min) {
      issues.push({
        path: `${path}.${key}`,
        expected: `an integer >= ${min}`,
        received: String(merged[key]),
      });
    }
  }
  if (merged.maxRequestsPerConnection === 1) {
    // undici's per-connection limit is "requests before the last one" (see OriginPool): 1 cannot be expressed.
    issues.push({
      path: `${path}.maxRequestsPerConnection`,
      expected: '0 (no limit) or an integer >= 2',
      received: '1',
    });
  }
  const jitter = merged.maxConnectionAgeJitter;
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
    issues.push({
      path: `${path}.maxConnectionAgeJitter`,
      expected: 'a number 0..1',
      received: String(jitter),
    });
  }
  const https = origin.startsWith('https:');
  if (!PROTOCOLS.includes(merged.protocol)) {
    issues.push({
      path: `${path}.protocol`,
      expected: "'h1', 'h2' or 'auto'",
      received: JSON.stringify(merged.protocol),
    });
  } else if (merged.protocol !== 'h1' && !https) {
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
