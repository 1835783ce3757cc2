import { spawnUpstream, type SpawnedUpstream, type SpawnUpstreamOptions } from '@slipstream/testkit';

/**
 * Spawns `count` upstreams, each in its own process, runs `use` with them and closes them all
 * afterwards, whether `use` resolved or threw.
 */
export async function withUpstreams<T>(
  count: number,
  options: SpawnUpstreamOptions,
  use: (upstreams: SpawnedUpstream[]) => Promise<T>,
): Promise<T> {
  const settled = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => spawnUpstream({ ...options, name: `bench-${i}` })),
  );
  const upstreams = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return await use(upstreams);
  } finally {
    await Promise.all(upstreams.map((u) => u.close()));
  }
}
