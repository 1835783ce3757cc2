import type { Upstream } from './server/Upstream';
import type { UpstreamOptions } from './server/UpstreamOptions';
import { UpstreamServer } from './server/UpstreamServer';

/** Starts an upstream HTTP server on 127.0.0.1 (port 0 unless `options.port`). Close it with `close()`. */
export function startUpstream(options?: UpstreamOptions): Promise<Upstream> {
  return new UpstreamServer(options).start();
}

/**
 * Starts `n` upstreams, a cluster. Each gets the name `<name>-<i>` and, when a seed is given,
 * the seed `seed + i`, so their random draws differ but stay reproducible. `port` is ignored.
 */
export async function startUpstreams(n: number, options: UpstreamOptions = {}): Promise<Upstream[]> {
  const started = await Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      startUpstream({
        ...options,
        port: 0,
        name: `${options.name ?? 'upstream'}-${i}`,
        ...(options.seed === undefined ? {} : { seed: (options.seed + i) >>> 0 }),
      }),
    ),
  );
  const ups = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(ups.map((u) => u.close()));
    throw failed.reason;
  }
  return ups;
}
