import {
  resolveAgentOptions,
  type NetworkPerformanceAgentOptions,
} from '@slipstream/agent-network-performance';
import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import { coreConfigSchema, parseConfig, type CoreConfig, type CoreConfigInput } from '@slipstream/core';
import { z } from 'zod';
import { fleetSectionSchema, type FleetSection } from '../fleet/fleetSectionSchema';
import { sidecarSectionSchema, type SidecarSection, type SidecarSectionInput } from './sidecarSectionSchema';

/**
 * The sidecar's config file as written: core's sections (`log`, `nodeId`, `bus`, `discovery`,
 * `orchestrator`), the pipeline (`network`: the NetworkPerformanceAgent's options) and the
 * process (`sidecar`).
 */
export type SidecarConfigInput = CoreConfigInput & {
  /** The NetworkPerformanceAgent's options: clusters, routes, classes, pool, batching, breaker, monitoring. Required. */
  network: NetworkPerformanceAgentOptions;
  /** The proxy process. Defaults to every default of `sidecarSectionSchema`. */
  sidecar?: SidecarSectionInput;
  /** The fleet configuration bucket this sidecar follows (needs `bus.transport: nats`). Defaults to none. */
  fleet?: FleetSection;
};

/** The sidecar's configuration, validated, with every default applied. */
export interface SidecarConfig {
  /** Core's sections, as the orchestrator takes them. */
  core: CoreConfig;
  /** The NetworkPerformanceAgent's options, as written (the agent fills its own defaults). */
  network: NetworkPerformanceAgentOptions;
  /** The proxy process. */
  sidecar: SidecarSection;
  /** The fleet configuration bucket this sidecar follows; undefined: none. */
  fleet: FleetSection | undefined;
}

const sidecarOnly = z.looseObject({ sidecar: sidecarSectionSchema, fleet: fleetSectionSchema.optional() });

/**
 * The one validation of the sidecar's configuration, whether it comes from a file, a reload
 * or code: core's schema, the agent's own validation (`resolveAgentOptions`) under `network`,
 * the `sidecar` section, and the rules between them. Throws one `ConfigError` listing every
 * issue with its full dotted path, what was expected and what was received.
 */
export function parseSidecarConfig(input: unknown): SidecarConfig {
  const issues: ConfigIssue[] = [];
  const core = collect(issues, '', () => parseConfig(coreConfigSchema, input));
  const own = collect(issues, '', () => parseConfig(sidecarOnly, input));
  const section = own?.sidecar;
  const network = (input as { network?: unknown } | null | undefined)?.network;
  if (typeof network !== 'object' || network === null || Array.isArray(network)) {
    issues.push({
      path: 'network',
      expected: 'object (the NetworkPerformanceAgent options)',
      received: typeof network,
    });
  } else {
    collect(issues, 'network', () => resolveAgentOptions(network as NetworkPerformanceAgentOptions));
    const admin = (network as NetworkPerformanceAgentOptions).monitoring?.admin;
    if (admin?.enabled === true) {
      issues.push({
        path: 'network.monitoring.admin.enabled',
        expected: 'false or absent (the sidecar runs its admin server from `sidecar.admin`)',
        received: 'true',
      });
    }
  }
  if (core && section && section.drainTimeoutMs > core.orchestrator.drainTimeoutMs) {
    issues.push({
      path: 'sidecar.drainTimeoutMs',
      expected: `number <= orchestrator.drainTimeoutMs (${core.orchestrator.drainTimeoutMs})`,
      received: String(section.drainTimeoutMs),
    });
  }
  if (core && own?.fleet && core.bus.transport !== 'nats') {
    issues.push({
      path: 'bus.transport',
      expected: '"nats" (the `fleet` section follows a JetStream key-value bucket)',
      received: JSON.stringify(core.bus.transport),
    });
  }
  if (issues.length > 0 || !core || !section) throw new ConfigError(issues);
  return { core, network: network as NetworkPerformanceAgentOptions, sidecar: section, fleet: own?.fleet };
}

/** Runs `parse`; a `ConfigError` it throws adds its issues (under `prefix`) to `issues`. */
function collect<T>(issues: ConfigIssue[], prefix: string, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!ConfigError.is(err)) throw err;
    for (const issue of err.issues) {
      issues.push({ ...issue, path: [prefix, issue.path].filter((p) => p !== '').join('.') });
    }
    return undefined;
  }
}
