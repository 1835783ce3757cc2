import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import type { CoreConfigInput } from '@slipstream/core';

/** What every node process of the demo is told by the driver (as JSON in `SLIP_MP_SETTINGS`). */
export interface MultiprocessSettings {
  /** NATS servers, e.g. `nats://127.0.0.1:4222`. */
  servers: string[];
  /** Subject prefix of this run, so runs on a shared server stay apart. */
  namespace: string;
  /** JetStream stream of this run's durable topics (deleted by the driver at the end). */
  streamName: string;
  /** Origins of the upstream cluster `svc` the sidecar sends to. */
  upstreams: string[];
}

/** The environment variable carrying the settings. */
export const SETTINGS_ENV = 'SLIP_MP_SETTINGS';

/** Topics carried by JetStream: a `sarah.task` published while Sarah is down waits for her. */
export const DURABLE_TOPICS = Object.freeze(['sarah.task']);

/** The upstream cluster's name in the sidecar and in the tasks. */
export const CLUSTER = 'svc';

/**
 * Heartbeat every 1_000 ms, offline after 3 missed: a killed node is reported within ~4 s.
 * Unacknowledged durable tasks (those a killed Sarah held) come back after 5_000 ms.
 */
const TIMING = Object.freeze({ heartbeatMs: 1_000, missedHeartbeats: 3, ackWaitMs: 5_000, concurrency: 8 });

/** The settings from the environment; a `ConfigError` naming the field when one is missing or wrong. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): MultiprocessSettings {
  const raw = env[SETTINGS_ENV];
  let parsed: Partial<MultiprocessSettings> = {};
  try {
    parsed = JSON.parse(raw ?? '{}') as Partial<MultiprocessSettings>;
  } catch (err) {
    throw new ConfigError([{ path: SETTINGS_ENV, expected: 'JSON', received: String(raw) }], { cause: err });
  }
  const issues: ConfigIssue[] = [];
  const strings = (v: unknown): v is string[] =>
    Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s !== '');
  for (const field of ['servers', 'upstreams'] as const) {
    if (!strings(parsed[field])) {
      issues.push({
        path: field,
        expected: 'a non-empty array of strings',
        received: JSON.stringify(parsed[field]),
      });
    }
  }
  for (const field of ['namespace', 'streamName'] as const) {
    if (typeof parsed[field] !== 'string' || parsed[field] === '') {
      issues.push({ path: field, expected: 'a non-empty string', received: JSON.stringify(parsed[field]) });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return parsed as MultiprocessSettings;
}

/** The core config of a node: NATS with the durable topics, discovery on with short heartbeats. */
export function nodeConfig(settings: MultiprocessSettings, nodeId: string): CoreConfigInput {
  return {
    nodeId,
    bus: {
      transport: 'nats',
      servers: settings.servers,
      // Durable topics need an explicit node name; Sarah takes `sarah.task` in a group (one shared
      // consumer), so a node's own name, which changes with its pid, loses no task.
      name: nodeId,
      namespace: settings.namespace,
      streamName: settings.streamName,
      durableTopics: [...DURABLE_TOPICS],
      ackWaitMs: TIMING.ackWaitMs,
      handlerConcurrency: TIMING.concurrency,
      // Tasks published before Sarah's first subscription are hers too.
      durableDeliverFrom: 'all',
    },
    discovery: { intervalMs: TIMING.heartbeatMs, missed: TIMING.missedHeartbeats },
  };
}
