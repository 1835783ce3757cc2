import type { EndpointState } from './EndpointState';

/** Keys remembered by a cluster's affinity table. Defaults to 10_000; the least recently used key goes first. */
export const STICKY_AFFINITY_MAX_KEYS = 10_000;

/**
 * Sticky sessions for algorithms that do not map keys themselves: a bounded table from a
 * session key to the endpoint it was last sent to. A key keeps its endpoint while that endpoint
 * is among the candidates of a pick (available, in the active tier, not excluded); otherwise
 * the cluster's algorithm re-picks and the table remembers the new one. Least recently used
 * keys are dropped beyond `maxKeys`.
 */
export class StickyAffinity {
  private readonly table = new Map<string, EndpointState>();

  constructor(private readonly maxKeys: number = STICKY_AFFINITY_MAX_KEYS) {}

  /** Keys remembered now. */
  get size(): number {
    return this.table.size;
  }

  /** The endpoint `key` is bound to, when it is one of `candidates` and available. */
  lookup(key: string, candidates: readonly EndpointState[]): EndpointState | undefined {
    const endpoint = this.table.get(key);
    if (!endpoint || !endpoint.available || !candidates.includes(endpoint)) return undefined;
    // Re-inserting moves the key to the young end of the Map's insertion order (LRU).
    this.table.delete(key);
    this.table.set(key, endpoint);
    return endpoint;
  }

  /** Binds `key` to `endpoint`, dropping the least recently used key when full. */
  bind(key: string, endpoint: EndpointState): void {
    this.table.delete(key);
    this.table.set(key, endpoint);
    if (this.table.size > this.maxKeys) {
      const oldest = this.table.keys().next().value;
      if (oldest !== undefined) this.table.delete(oldest);
    }
  }

  /** Unbinds every key bound to `endpoint` (it left the cluster). */
  forget(endpoint: EndpointState): void {
    for (const [key, bound] of this.table) if (bound === endpoint) this.table.delete(key);
  }
}
