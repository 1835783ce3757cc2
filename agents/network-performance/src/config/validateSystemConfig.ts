import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import {
  agentOptionsSchema,
  agentsSectionSchema,
  clientOptionsShape,
  describeValue,
  fleetSectionSchema,
  parseConfig,
  REDACTED,
  SECRET_KEY,
  sidecarSectionSchema,
  type AgentsSection,
  type FleetSection,
  type SidecarSection,
} from '@slipstream/config';
import { DEFAULT_CLIENT_FACTORIES } from '@slipstream/client';
import { coreConfigSchema, type CoreConfig } from '@slipstream/core';
import { z } from 'zod';
import type { NetworkPerformanceAgentOptions } from '../NetworkPerformanceAgentOptions';
import { buildNetworkPipeline } from './buildNetworkPipeline';
import { configuredAgents } from './configuredAgents';
import { systemConfigSchema } from './systemConfigSchema';

/** A validated config file: core's settings, the sidecar's options, the sidecar process's sections. */
export interface ValidatedSystemConfig {
  /** Core's sections, defaults applied (the `Orchestrator`'s `config`). */
  core: CoreConfig;
  /** The sidecar's options as written (the agent fills its own defaults). */
  network: NetworkPerformanceAgentOptions;
  /** The sidecar process's section (`slipstream sidecar`), every default applied. */
  sidecar: SidecarSection;
  /** The fleet bucket `slipstream sidecar` follows; undefined: none. */
  fleet: FleetSection | undefined;
  /** The agents that run beside the sidecar, with their options as written (`configuredAgents` builds them). */
  agents: AgentsSection;
}

/** The file's value at `key` when the file is an object. */
const section = (input: unknown, key: string): unknown =>
  typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[key] : undefined;

/** `parse()`, or undefined when it throws a `ConfigError` (whose issues the file's schema already lists). */
function sectionOf<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (ConfigError.is(err)) return undefined;
    throw err;
  }
}

/** A `network` section's routes and QoS classes, each well-formed, whatever its other keys hold. */
const routingPartSchema = z.object({
  routes: clientOptionsShape.routes,
  classes: clientOptionsShape.classes,
});

/**
 * The route table's own checks, as the pipeline's router makes them (a policy's QoS class is
 * configured, the classes include the default one, route ids are unique, no route is shadowed,
 * ...), for a `network` section that failed its schema elsewhere (an unknown cluster, a bad pool
 * setting): the pipeline is not built then, and these problems are independent of that one. The
 * clusters a route names are left to the schema (`checkClusterNames`), which reported them.
 * Throws a `ConfigError` whose paths start with `network.`.
 */
function checkRoutingAlone(routing: z.infer<typeof routingPartSchema>): void {
  try {
    DEFAULT_CLIENT_FACTORIES.router({ routes: routing.routes, classes: routing.classes }, undefined);
  } catch (err) {
    if (!ConfigError.is(err)) throw err;
    throw new ConfigError(
      err.issues.map((issue) => ({
        ...issue,
        path: issue.path === '' ? 'network' : `network.${issue.path}`,
      })),
    );
  }
}

/** Runs `check`; the issues of a `ConfigError` it throws join `issues`, any other error is thrown on. */
async function collect(issues: ConfigIssue[], check: () => unknown): Promise<void> {
  try {
    await check();
  } catch (err) {
    if (!ConfigError.is(err)) throw err;
    issues.push(...err.issues);
  }
}

/**
 * The one validation of a config file's contents, used by `slipstream validate`, `slipstream
 * run`, `slipstream sidecar`, at start and on every reload. It lists, in one `ConfigError`, every
 * problem with its full path, what was expected and what was received: the file's strict schema
 * (unknown keys refused with the nearest name), then the checks across sections and the
 * construction of the pipeline (`buildNetworkPipeline`) and of the configured agents
 * (`configuredAgents`), each run whenever the sections it reads are valid, even when others are
 * not. When the `network` section is invalid (an unknown cluster, say), its routes and QoS classes
 * are still checked together (`checkRoutingAlone`), so one pass lists those problems too.
 */
export async function validateSystemConfig(input: unknown): Promise<ValidatedSystemConfig> {
  const issues: ConfigIssue[] = [];
  await collect(issues, () => parseConfig(systemConfigSchema, input));
  const core = sectionOf(() => parseConfig(coreConfigSchema.strip(), input));
  const network = sectionOf(() => {
    parseConfig(agentOptionsSchema.strict(), section(input, 'network'));
    return section(input, 'network') as NetworkPerformanceAgentOptions;
  });
  const written = sectionOf(() => parseConfig(sidecarSectionSchema, section(input, 'sidecar')));
  const fleet = sectionOf(() => parseConfig(fleetSectionSchema.optional(), section(input, 'fleet')));
  const agents = sectionOf(() => parseConfig(agentsSectionSchema.optional(), section(input, 'agents')) ?? {});
  const networkAdmin = network?.monitoring?.admin?.enabled === true;
  if (written?.admin.enabled === true && networkAdmin) {
    issues.push({
      path: 'sidecar.admin.enabled',
      expected: 'false or absent while network.monitoring.admin.enabled is true (one admin server)',
      received: 'true',
    });
  } else if (written !== undefined && written.admin.enabled !== false && networkAdmin) {
    // The sidecar's admin server does not run beside the agent's: its settings would be dropped.
    const writtenAdmin = section(section(input, 'sidecar'), 'admin');
    for (const [key, value] of Object.entries(typeof writtenAdmin === 'object' ? (writtenAdmin ?? {}) : {})) {
      if (key === 'enabled') continue;
      issues.push({
        path: `sidecar.admin.${key}`,
        expected:
          'absent while network.monitoring.admin.enabled is true: the sidecar’s admin server does not run then (one admin server per process); turn network.monitoring.admin.enabled off to use sidecar.admin',
        received: SECRET_KEY.test(key) ? REDACTED : describeValue(value),
      });
    }
  }
  if (core !== undefined && written?.drainTimeoutMs !== undefined) {
    if (written.drainTimeoutMs > core.orchestrator.drainTimeoutMs)
      issues.push({
        path: 'sidecar.drainTimeoutMs',
        expected: `number <= orchestrator.drainTimeoutMs (${core.orchestrator.drainTimeoutMs})`,
        received: String(written.drainTimeoutMs),
      });
  }
  if (core !== undefined && fleet !== undefined && core.bus.transport !== 'nats') {
    issues.push({
      path: 'bus.transport',
      expected: '"nats" (the `fleet` section follows a JetStream key-value bucket)',
      received: JSON.stringify(core.bus.transport),
    });
  }
  if (network !== undefined) await collect(issues, () => buildNetworkPipeline(network));
  else {
    const routing = sectionOf(() => parseConfig(routingPartSchema, section(input, 'network')));
    if (routing !== undefined) await collect(issues, () => checkRoutingAlone(routing));
  }
  if (agents !== undefined) await collect(issues, () => configuredAgents(agents));
  if (
    issues.length > 0 ||
    core === undefined ||
    network === undefined ||
    written === undefined ||
    agents === undefined
  )
    throw new ConfigError(issues);
  const sidecar: SidecarSection = {
    ...written,
    admin: { ...written.admin, enabled: written.admin.enabled ?? !networkAdmin },
    drainTimeoutMs: written.drainTimeoutMs ?? core.orchestrator.drainTimeoutMs,
  };
  return { core, network, sidecar, fleet, agents };
}
