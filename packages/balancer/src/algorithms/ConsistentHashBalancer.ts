import { ConfigError } from '@slipstream/contracts';
import type { EndpointState } from '../EndpointState';
import type { LoadBalancer, PickContext } from '../LoadBalancer';
import type { RandomSource } from '../random';
import { hash32 } from './hash32';
import { weightedRandom } from './RandomBalancer';

/** Settings of the consistent-hash ring. */
export interface ConsistentHashOptions {
  /** Virtual nodes per unit of configured weight. Defaults to 160. */
  virtualNodes?: number;
  /** Rings kept for distinct candidate sets (retries exclude endpoints). Defaults to 16. */
  maxCachedRings?: number;
}

const DEFAULTS = Object.freeze({ virtualNodes: 160, maxCachedRings: 16 });

interface Ring {
  members: readonly EndpointState[];
  hashes: Uint32Array;
  owners: EndpointState[];
}

/**
 * Sticky sessions on a consistent-hash ring with virtual nodes (∝ configured weight, so
 * slow start does not move keys). A key maps to the first virtual node clockwise from its
 * hash; when an endpoint leaves the candidate set, only the keys it held move. Requests
 * without a key are spread by weight at random.
 */
export class ConsistentHashBalancer implements LoadBalancer {
  readonly name = 'consistent-hash';
  private readonly virtualNodes: number;
  private readonly maxCachedRings: number;
  private readonly rings = new Map<string, Ring>();

  constructor(
    options: ConsistentHashOptions = {},
    private readonly random: RandomSource = Math.random,
  ) {
    this.virtualNodes = options.virtualNodes ?? DEFAULTS.virtualNodes;
    this.maxCachedRings = options.maxCachedRings ?? DEFAULTS.maxCachedRings;
    if (!Number.isInteger(this.virtualNodes) || this.virtualNodes < 1) {
      throw new ConfigError([
        { path: 'virtualNodes', expected: 'a positive integer', received: String(options.virtualNodes) },
      ]);
    }
  }

  pick(endpoints: readonly EndpointState[], ctx: PickContext): EndpointState | undefined {
    if (ctx.key === undefined || endpoints.length === 0) return weightedRandom(endpoints, this.random);
    const ring = this.ring(endpoints);
    const h = hash32(ctx.key);
    let lo = 0;
    let hi = ring.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ring.hashes[mid] ?? 0) < h) lo = mid + 1;
      else hi = mid;
    }
    return ring.owners[lo === ring.hashes.length ? 0 : lo];
  }

  private ring(endpoints: readonly EndpointState[]): Ring {
    const signature = endpoints.map((e) => `${e.origin}*${e.weight}`).join(' ');
    const cached = this.rings.get(signature);
    if (cached && cached.members.every((m, i) => m === endpoints[i])) return cached;
    const points: Array<{ hash: number; owner: EndpointState }> = [];
    for (const endpoint of endpoints) {
      const count = Math.max(1, Math.round(this.virtualNodes * endpoint.weight));
      for (let i = 0; i < count; i++)
        points.push({ hash: hash32(`${endpoint.origin}#${i}`), owner: endpoint });
    }
    // Ties broken by origin so the ring does not depend on the candidates' order.
    points.sort((a, b) => a.hash - b.hash || (a.owner.origin < b.owner.origin ? -1 : 1));
    const ring: Ring = {
      members: [...endpoints],
      hashes: Uint32Array.from(points, (p) => p.hash),
      owners: points.map((p) => p.owner),
    };
    if (this.rings.size >= this.maxCachedRings) {
      const oldest = this.rings.keys().next().value;
      if (oldest !== undefined) this.rings.delete(oldest);
    }
    this.rings.set(signature, ring);
    return ring;
  }
}
