import { ConfigError, NoHealthyEndpointError } from '@slipstream/contracts';
import type {
  BalancerAlgorithm,
  ClusterStats,
  ConfigIssue,
  EndpointConfig,
  LoadBalancingConfig,
} from '@slipstream/contracts';
import { clusterSchema, configIssue, parseConfig } from '@slipstream/config';
import { createBalancer, type BalancerAlgorithmRegistry } from './algorithms/createBalancer';
import { EndpointState } from './EndpointState';
import type { RequestOutcome } from './EndpointState';
import type { LoadBalancer } from './LoadBalancer';
import { OutlierDetector } from './OutlierDetector';
import type { OutlierHooks } from './OutlierDetector';
import type { Clock, RandomSource } from './random';
import { StickyAffinity } from './StickyAffinity';
import { resolveStickyKey } from './stickyKey';
import type { HeaderMap } from './stickyKey';

/** What a cluster reports besides ejections, so the pipeline can publish `network.failover`. */
export interface ClusterHooks extends OutlierHooks {
  /** Traffic moved from one tier to another; `healthyPercent` is the share of `fromTier` that is available. */
  onFailover?(fromTier: number, toTier: number, healthyPercent: number): void;
}

/** What a cluster is built with besides its config. */
export interface ClusterDeps {
  /** Defaults to `Date.now`. */
  now?: Clock;
  /** Defaults to `Math.random`. */
  random?: RandomSource;
  /** Replaces the algorithm named in the config. */
  balancer?: LoadBalancer;
  /** The implementations of the algorithm names. Defaults to `DEFAULT_BALANCER_ALGORITHMS`. */
  algorithms?: BalancerAlgorithmRegistry;
  hooks?: ClusterHooks;
  /** Decay time constant τ of the endpoints' peak EWMA, ms. Defaults to 10_000 ms. */
  ewmaDecayMs?: number;
  /** Latency a failed or 429 request counts as at least, ms. Defaults to 1_000 ms. */
  failurePenaltyMs?: number;
}

/** One request as the cluster sees it when picking. */
export interface ClusterPickRequest {
  /** Explicit sticky-session key; wins over the header or cookie. */
  stickyKey?: string;
  /** Request headers, for a sticky header or cookie. */
  headers?: HeaderMap;
  /**
   * Origins to avoid (e.g. those a retry already failed on). Ignored when they are all the
   * candidates, so a lone endpoint is retried rather than failing.
   */
  exclude?: ReadonlySet<string>;
}

/** Defaults of a cluster's `LoadBalancingConfig`. */
export const CLUSTER_DEFAULTS = Object.freeze({
  algorithm: 'p2c-peak-ewma',
  panicThresholdPercent: 50,
  slowStartMs: 0,
  failoverThresholdPercent: 70,
});

/** Smallest share of its weight a recovered endpoint gets at the start of slow start. */
const SLOW_START_MIN_FACTOR = 0.1;

/**
 * A named set of endpoints with weights and priority tiers. Picks an endpoint with its
 * algorithm among the available (healthy, not ejected) endpoints of the active tier; spills
 * to the next tier when the active one's available share drops below
 * `failoverThresholdPercent` and returns when it recovers; routes to every endpoint of the
 * tier in panic (available share below `panicThresholdPercent`); ramps a recovered
 * endpoint's effective weight over `slowStartMs`. Learns from `onStart` / `onEnd`.
 * `reconfigure` keeps the state of every endpoint that stays. A sticky key keeps its endpoint
 * with every algorithm (consistent-hash on its ring, the others through a `StickyAffinity` table).
 */
export class Cluster {
  /** Cluster name. */
  readonly name: string;
  private algorithmInForce: BalancerAlgorithm;
  private config: LoadBalancingConfig;
  private balancer: LoadBalancer;
  private readonly outlier: OutlierDetector;
  private readonly affinity = new StickyAffinity();
  private readonly now: Clock;
  private readonly deps: ClusterDeps;
  private members: EndpointState[] = [];
  /** The distinct tiers of `members`, ascending; kept with `members` so a pick allocates nothing for it. */
  private tierList: number[] = [];
  private activeTier = 0;
  private totalRequests = 0;

  constructor(config: LoadBalancingConfig, deps: ClusterDeps = {}) {
    const issues = validateClusterConfig(config);
    if (issues.length > 0) throw new ConfigError(issues);
    this.config = config;
    this.deps = deps;
    this.name = config.cluster;
    this.now = deps.now ?? Date.now;
    this.algorithmInForce = config.algorithm ?? CLUSTER_DEFAULTS.algorithm;
    this.balancer = deps.balancer ?? createBalancer(this.algorithmInForce, deps.random, deps.algorithms);
    this.outlier = new OutlierDetector(
      config.outlierDetection,
      {
        onEjected: deps.hooks?.onEjected?.bind(deps.hooks),
        onRestored: (endpoint) => {
          this.recover(endpoint);
          deps.hooks?.onRestored?.(endpoint);
        },
      },
      this.now,
    );
    // Endpoints of the initial config all start at once: none of them is slow-started.
    for (const endpoint of config.endpoints ?? []) this.members.push(this.createEndpoint(endpoint));
    this.tierList = this.tiers();
    this.activeTier = this.tierList[0] ?? 0;
  }

  /** The algorithm in force. */
  get algorithm(): BalancerAlgorithm {
    return this.algorithmInForce;
  }

  /** Whether the tier traffic goes to has too few available endpoints, so it goes to all of them; computed from the endpoints' state now. */
  get panic(): boolean {
    const { size, available } = this.count(this.chooseTier());
    return this.isPanic(size, available);
  }

  /**
   * Applies a new config to this cluster in place. Endpoints that stay keep their state (health
   * verdict, ejection and its multiplier, latency estimate, requests in flight) and take the new
   * weight and tier; new endpoints get fresh state (slow-started); removed ones take no new
   * requests while those in flight finish (`onEnd` still accepts them). Throws `ConfigError` and
   * changes nothing when the config is invalid or names another cluster.
   */
  reconfigure(config: LoadBalancingConfig): void {
    const issues = validateClusterConfig(config);
    if (config.cluster !== this.name) issues.push(configIssue('cluster', `"${this.name}"`, config.cluster));
    if (issues.length > 0) throw new ConfigError(issues);
    this.outlier.updateOptions(config.outlierDetection);
    const algorithm = config.algorithm ?? CLUSTER_DEFAULTS.algorithm;
    if (algorithm !== this.algorithmInForce && this.deps.balancer === undefined) {
      this.balancer = createBalancer(algorithm, this.deps.random, this.deps.algorithms);
      this.algorithmInForce = algorithm;
    }
    this.config = config;
    const wanted = new Map((config.endpoints ?? []).map((e) => [e.origin, e]));
    for (const endpoint of this.members) {
      if (!wanted.has(endpoint.origin)) this.forget(endpoint);
    }
    const next: EndpointState[] = [];
    for (const [origin, endpointConfig] of wanted) {
      const kept = this.endpoint(origin);
      if (kept) {
        kept.weight = endpointConfig.weight ?? kept.weight;
        kept.tier = endpointConfig.tier ?? kept.tier;
        kept.effectiveWeight = kept.weight;
        next.push(kept);
      } else {
        const added = this.createEndpoint(endpointConfig);
        if (this.members.length > 0) this.recover(added);
        next.push(added);
      }
    }
    this.members = next;
    this.tierList = this.tiers();
  }

  /** Every endpoint, in configuration order. */
  get endpoints(): readonly EndpointState[] {
    return this.members;
  }

  /** The endpoint with this origin. */
  endpoint(origin: string): EndpointState | undefined {
    return this.members.find((e) => e.origin === origin);
  }

  /** Adds an endpoint (healthy, with slow start when configured). Throws `ConfigError` for a duplicate. */
  addEndpoint(config: EndpointConfig): EndpointState {
    if (this.endpoint(config.origin)) {
      throw new ConfigError([configIssue('endpoints', 'an origin not in the cluster yet', config.origin)]);
    }
    const endpoint = this.createEndpoint(config);
    if (this.members.length > 0) this.recover(endpoint);
    this.members.push(endpoint);
    this.tierList = this.tiers();
    return endpoint;
  }

  /** Removes an endpoint (requests in flight to it finish); with consistent hashing only its keys move. */
  removeEndpoint(origin: string): boolean {
    const endpoint = this.endpoint(origin);
    if (!endpoint) return false;
    this.forget(endpoint);
    this.members = this.members.filter((e) => e !== endpoint);
    this.tierList = this.tiers();
    return true;
  }

  /**
   * Sets the active health-check verdict of an endpoint; a recovery starts its slow start and
   * re-seeds its latency estimate from the cluster's median (see `EndpointState.recover`).
   */
  setHealthy(origin: string, healthy: boolean): void {
    const endpoint = this.endpoint(origin);
    if (!endpoint || endpoint.healthy === healthy) return;
    endpoint.healthy = healthy;
    if (healthy) this.recover(endpoint);
  }

  /** Picks an endpoint for a request; throws `NoHealthyEndpointError` when the cluster has none. */
  pick(request: ClusterPickRequest = {}): EndpointState {
    const now = this.now();
    const tier = this.selectTier();
    const { size, available: availableCount } = this.count(tier);
    const panic = this.isPanic(size, availableCount);
    // The common case — one tier, every endpoint available — picks from `members` as it is.
    let candidates: readonly EndpointState[] =
      size === this.members.length && (panic || availableCount === size)
        ? this.members
        : this.members.filter((e) => e.tier === tier && (panic || e.available));
    const exclude = request.exclude;
    if (exclude && exclude.size > 0) {
      const rest = candidates.filter((e) => !exclude.has(e.origin));
      if (rest.length > 0) candidates = rest;
    }
    if (this.slowStartMs > 0) {
      for (const endpoint of candidates) endpoint.effectiveWeight = this.effectiveWeight(endpoint, now);
    }
    const key = resolveStickyKey(request, this.config.sticky);
    // Consistent hashing maps keys on its ring; every other algorithm goes through the table.
    const bound =
      key === undefined || this.balancer.name === 'consistent-hash'
        ? undefined
        : this.affinity.lookup(key, candidates);
    const picked = bound ?? this.balancer.pick(candidates, { key, now });
    if (!picked)
      throw new NoHealthyEndpointError(`cluster "${this.name}" has no endpoint to take the request`);
    if (key !== undefined && bound === undefined && this.balancer.name !== 'consistent-hash')
      this.affinity.bind(key, picked);
    return picked;
  }

  /** Records that a request to `endpoint` started. */
  onStart(endpoint: EndpointState): void {
    endpoint.start();
    this.totalRequests += 1;
  }

  /**
   * Records how a request to `endpoint` ended; feeds the latency estimate and outlier detection
   * (not for an endpoint that left the cluster while the request was in flight).
   */
  onEnd(endpoint: EndpointState, outcome: RequestOutcome): void {
    endpoint.end(outcome, this.now());
    if (this.members.includes(endpoint)) this.outlier.record(endpoint, this.members);
  }

  /** The measured state of the cluster; `panic` and `activeTier` as they are now. */
  stats(): ClusterStats {
    const now = this.now();
    const tier = this.chooseTier();
    const { size, available } = this.count(tier);
    return {
      cluster: this.name,
      algorithm: this.algorithm,
      endpoints: this.members.map((e) => e.stats(now, this.totalRequests)),
      panic: this.isPanic(size, available),
      activeTier: tier,
    };
  }

  /** Cancels the cluster's timers. */
  close(): void {
    this.outlier.close();
  }

  /** Drops what the cluster holds for an endpoint that leaves it (ejection timer, multiplier, sticky keys). */
  private forget(endpoint: EndpointState): void {
    this.outlier.forget(endpoint.origin);
    this.affinity.forget(endpoint);
  }

  private isPanic(size: number, available: number): boolean {
    return size > 0 && percent(available, size) < this.panicThreshold;
  }

  private createEndpoint(config: EndpointConfig): EndpointState {
    return new EndpointState(config.origin, {
      weight: config.weight,
      tier: config.tier,
      ewmaDecayMs: this.deps.ewmaDecayMs,
      failurePenaltyMs: this.deps.failurePenaltyMs,
    });
  }

  /** Brings `endpoint` back with the median latency estimate of the other available endpoints (0 without any). */
  private recover(endpoint: EndpointState): void {
    const now = this.now();
    const estimates = this.members
      .filter((e) => e !== endpoint && e.available)
      .map((e) => e.ewmaMs(now))
      .sort((a, b) => a - b);
    endpoint.recover(now, median(estimates));
  }

  private get panicThreshold(): number {
    return this.config.panicThresholdPercent ?? CLUSTER_DEFAULTS.panicThresholdPercent;
  }

  private tiers(): number[] {
    return [...new Set(this.members.map((e) => e.tier))].sort((a, b) => a - b);
  }

  /** Endpoints of `tier` and how many of them are available. */
  private count(tier: number): { size: number; available: number } {
    let size = 0;
    let available = 0;
    for (const e of this.members) {
      if (e.tier !== tier) continue;
      size++;
      if (e.available) available++;
    }
    return { size, available };
  }

  /** Moves traffic to `chooseTier()`, reporting a change of tier through `onFailover`. */
  private selectTier(): number {
    const next = this.chooseTier();
    if (next !== this.activeTier) {
      const from = this.activeTier;
      this.activeTier = next;
      const { size, available } = this.count(from);
      this.deps.hooks?.onFailover?.(from, next, percent(available, size));
    }
    return next;
  }

  /** The first tier whose available share reaches the failover threshold, else the best one. */
  private chooseTier(): number {
    const threshold = this.config.failoverThresholdPercent ?? CLUSTER_DEFAULTS.failoverThresholdPercent;
    let chosen: number | undefined;
    let bestTier = this.activeTier;
    let bestShare = -1;
    for (const tier of this.tierList) {
      const { size, available } = this.count(tier);
      const share = percent(available, size);
      if (share > bestShare) {
        bestTier = tier;
        bestShare = share;
      }
      if (share >= threshold) {
        chosen = tier;
        break;
      }
    }
    return chosen ?? bestTier;
  }

  private get slowStartMs(): number {
    return this.config.slowStartMs ?? CLUSTER_DEFAULTS.slowStartMs;
  }

  private effectiveWeight(endpoint: EndpointState, now: number): number {
    const slowStartMs = this.slowStartMs;
    if (endpoint.recoveredAt === undefined) return endpoint.weight;
    const progress = (now - endpoint.recoveredAt) / slowStartMs;
    return endpoint.weight * Math.min(1, Math.max(SLOW_START_MIN_FACTOR, progress));
  }
}

/** Median of sorted `values`; 0 when empty. */
function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : (part * 100) / whole;
}

/**
 * The problems of a cluster's config (the shared `clusterSchema` of `@slipstream/config`:
 * strict keys, http(s) origins, at least one endpoint, unique origins, ranges), each naming
 * its full path; empty when it is valid.
 */
export function validateClusterConfig(config: LoadBalancingConfig): ConfigIssue[] {
  try {
    parseConfig(clusterSchema, config);
    return [];
  } catch (err) {
    if (ConfigError.is(err)) return [...err.issues];
    throw err;
  }
}
