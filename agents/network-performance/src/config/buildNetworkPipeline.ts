import { ConfigError, TOKENS } from '@slipstream/contracts';
import { coreConfigSchema, coreModule, createLogger } from '@slipstream/core';
import { MONITOR_TOKENS } from '@slipstream/monitor';
import { Container } from 'inversify';
import { NetworkPerformanceAgent } from '../NetworkPerformanceAgent';
import type { NetworkPerformanceAgentOptions } from '../NetworkPerformanceAgentOptions';
import { networkPerformanceModules } from '../networkPerformanceModules';

/** The services the NetworkPerformanceAgent resolves when it starts (the client pulls in the pools). */
const PIPELINE_SERVICES = [
  TOKENS.NetworkClient,
  TOKENS.AlertManager,
  MONITOR_TOKENS.SnapshotPublisher,
  TOKENS.AdminServer,
] as const;

/**
 * Builds what a running system builds from a file's `network` section — the
 * NetworkPerformanceAgent and the pipeline's services it resolves when it starts, on core's
 * bindings — without starting anything, then releases them. Nothing listens, connects or probes:
 * the checks those constructors make (a route's QoS class exists, the classes include the default
 * one, a cluster's endpoints and pool options fit, ...) run exactly as when the system starts.
 * Throws a `ConfigError` whose paths start with `network.`; an error that is not one becomes an
 * issue on `network`.
 */
export async function buildNetworkPipeline(network: NetworkPerformanceAgentOptions): Promise<void> {
  const container = new Container();
  try {
    const agent = new NetworkPerformanceAgent(network);
    // Core's bindings are plumbing here (nothing is sent, connected or logged): its defaults, with
    // the in-process bus, stand in for the file's core sections, which core's schema checks.
    const config = coreConfigSchema.parse({});
    container.loadSync(
      coreModule({ config, logger: createLogger({ silent: true }) }),
      ...networkPerformanceModules(agent),
    );
    for (const service of PIPELINE_SERVICES) container.get(service);
  } catch (err) {
    if (ConfigError.is(err))
      throw new ConfigError(
        err.issues.map((issue) => ({
          ...issue,
          path: issue.path === '' ? 'network' : `network.${issue.path}`,
        })),
        { cause: err },
      );
    const received = err instanceof Error ? err.message : String(err);
    throw new ConfigError(
      [{ path: 'network', expected: 'options the pipeline can be built from', received }],
      {
        cause: err,
      },
    );
  } finally {
    await container.unbindAll();
  }
}
