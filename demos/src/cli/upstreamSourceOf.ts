import type { UpstreamSource } from '../environment/DemoEnvironment';
import { loadDemoConfig } from '../environment/loadDemoConfig';
import type { DemoArgs } from './DemoArgs';

/**
 * Where the demo's upstreams come from: forwarding testkit upstreams in front of the real ones
 * `--config` lists, else testkit upstreams in child processes. Rejects with `ConfigError` for a
 * bad config file.
 */
export async function upstreamSourceOf(args: Pick<DemoArgs, 'config'>): Promise<UpstreamSource> {
  if (args.config === undefined) return { kind: 'spawn' };
  return { kind: 'forward', targets: (await loadDemoConfig(args.config)).upstreams };
}
