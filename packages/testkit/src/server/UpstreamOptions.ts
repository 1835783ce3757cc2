import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import type { Behaviour, BehaviourRule } from '../behaviour/Behaviour';
import type { ForwardTarget } from '../forward/ForwardTarget';

/** Options of an upstream server. Every field is optional. */
export interface UpstreamOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Defaults to 0. */
  port?: number;
  /** Name reported in the echo body (`upstream`). Defaults to `upstream-<port>`. */
  name?: string;
  /** Seed of the PRNG behind error rates and latency distributions. Defaults to a random 32-bit integer. */
  seed?: number;
  /** Idle keep-alive sockets are closed after this long, ms. Defaults to 5_000 ms. */
  keepAliveTimeoutMs?: number;
  /** The default behaviour. Defaults to `{}` (200 with a JSON echo). */
  behaviour?: Behaviour;
  /** Ordered behaviour rules; the first match is laid over the default. Defaults to `[]`. */
  rules?: BehaviourRule[];
  /** Whether the health endpoint answers 200 (else 503). Defaults to true. */
  healthy?: boolean;
  /** Path of the JSON-RPC 2.0 endpoint (POST). Defaults to '/rpc'. */
  rpcPath?: string;
  /** Path of the health endpoint (GET). Defaults to '/health'. */
  healthPath?: string;
  /** Request records kept in `counters().requests`, most recent last. Defaults to 1_000. */
  requestLogSize?: number;
  /** Default timeout of `waitForInFlight`, ms. Defaults to 10_000 ms. */
  waitTimeoutMs?: number;
  /**
   * Forward the requests no injected behaviour answers to this real upstream instead of
   * answering them with the built-in routes. Defaults to none (the built-in routes answer).
   */
  forwardTo?: ForwardTarget;
  /**
   * Serve HTTPS with this certificate and key (PEM); with `ca` and `requestCert`, require a
   * client certificate signed by `ca` (mutual TLS). Defaults to none (plain HTTP).
   */
  tls?: UpstreamTlsOptions;
}

/** The TLS settings of an HTTPS upstream (PEM text, see `makeTestCertificates`). */
export interface UpstreamTlsOptions {
  cert: string;
  key: string;
  /** CA that client certificates must be signed by. Required with `requestCert`. */
  ca?: string;
  /** Require and verify a client certificate (mutual TLS). Defaults to false. */
  requestCert?: boolean;
  /** Highest TLS version the server accepts. Defaults to Node's ('TLSv1.3'). */
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** Upstream options with every default applied. */
export type ResolvedUpstreamOptions = Required<Omit<UpstreamOptions, 'name' | 'forwardTo' | 'tls'>> & {
  name: string | undefined;
  forwardTo: ForwardTarget | undefined;
  tls: UpstreamTlsOptions | undefined;
};

/** The defaults of `UpstreamOptions`. */
export const UPSTREAM_DEFAULTS = Object.freeze({
  port: 0,
  keepAliveTimeoutMs: 5_000,
  healthy: true,
  rpcPath: '/rpc',
  healthPath: '/health',
  requestLogSize: 1_000,
  waitTimeoutMs: 10_000,
});

type NumericOption = 'port' | 'seed' | 'keepAliveTimeoutMs' | 'requestLogSize' | 'waitTimeoutMs';

const integerIn = (min: number, max: number) => (v: number) => Number.isInteger(v) && v >= min && v <= max;
const isPath = (v: unknown): boolean => typeof v === 'string' && v.startsWith('/');

/** Applies the defaults and checks the scalar options; throws `ConfigError` naming each bad field. */
export function resolveUpstreamOptions(options: UpstreamOptions = {}): ResolvedUpstreamOptions {
  const resolved: ResolvedUpstreamOptions = {
    port: options.port ?? UPSTREAM_DEFAULTS.port,
    name: options.name,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? UPSTREAM_DEFAULTS.keepAliveTimeoutMs,
    behaviour: options.behaviour ?? {},
    rules: options.rules ?? [],
    healthy: options.healthy ?? UPSTREAM_DEFAULTS.healthy,
    rpcPath: options.rpcPath ?? UPSTREAM_DEFAULTS.rpcPath,
    healthPath: options.healthPath ?? UPSTREAM_DEFAULTS.healthPath,
    requestLogSize: options.requestLogSize ?? UPSTREAM_DEFAULTS.requestLogSize,
    waitTimeoutMs: options.waitTimeoutMs ?? UPSTREAM_DEFAULTS.waitTimeoutMs,
    forwardTo: options.forwardTo,
    tls: options.tls,
  };
  const checks: [NumericOption, (v: number) => boolean, string][] = [
    ['port', integerIn(0, 65_535), 'an integer 0..65535'],
    ['seed', integerIn(0, 2 ** 32 - 1), 'an integer 0..2^32-1'],
    ['keepAliveTimeoutMs', integerIn(1, 2 ** 31 - 1), 'a positive integer (ms)'],
    ['requestLogSize', integerIn(0, 1_000_000), 'an integer 0..1000000'],
    ['waitTimeoutMs', integerIn(1, 2 ** 31 - 1), 'a positive integer (ms)'],
  ];
  const issues: ConfigIssue[] = checks
    .filter(([key, ok]) => typeof resolved[key] !== 'number' || !ok(resolved[key]))
    .map(([key, , expected]) => ({ path: key, expected, received: String(resolved[key]) }));
  for (const key of ['rpcPath', 'healthPath'] as const) {
    if (!isPath(resolved[key]))
      issues.push({ path: key, expected: "a path starting with '/'", received: String(resolved[key]) });
  }
  if (typeof resolved.healthy !== 'boolean')
    issues.push({ path: 'healthy', expected: 'a boolean', received: String(resolved.healthy) });
  if (resolved.forwardTo !== undefined) issues.push(...forwardTargetIssues(resolved.forwardTo));
  const tls = resolved.tls;
  if (tls !== undefined && (typeof tls.cert !== 'string' || typeof tls.key !== 'string'))
    issues.push({ path: 'tls', expected: 'PEM strings cert and key', received: typeof tls.cert });
  if (tls?.requestCert === true && typeof tls.ca !== 'string')
    issues.push({ path: 'tls.ca', expected: 'a PEM CA with requestCert', received: String(tls.ca) });
  if (issues.length > 0) throw new ConfigError(issues);
  return resolved;
}

/** Whether `value` is an http(s) origin: scheme, host and port, no path, query or credentials. */
function isOrigin(value: unknown): boolean {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
}

function forwardTargetIssues(target: ForwardTarget): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!isOrigin(target.origin))
    issues.push({
      path: 'forwardTo.origin',
      expected: 'an http(s) origin without a path (http://host:port)',
      received: String(target.origin),
    });
  for (const key of ['path', 'rpcPath'] as const) {
    if (target[key] !== undefined && !isPath(target[key]))
      issues.push({
        path: `forwardTo.${key}`,
        expected: "a path starting with '/'",
        received: String(target[key]),
      });
  }
  return issues;
}
