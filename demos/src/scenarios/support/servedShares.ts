import type { DemoUpstream } from '../../environment/DemoUpstream';

/** Requests each upstream served on `path` since its counters were reset, and each one's share of the total. */
export async function servedShares(
  upstreams: readonly DemoUpstream[],
  path: string,
): Promise<{ served: number[]; shares: number[]; total: number }> {
  const counters = await Promise.all(upstreams.map((u) => u.counters()));
  const served = counters.map((c) => c.requestsByRoute[path] ?? 0);
  const total = served.reduce((s, n) => s + n, 0);
  return { served, shares: served.map((n) => (total === 0 ? 0 : n / total)), total };
}
