import { randomBytes } from 'node:crypto';

import { jetstreamManager } from '@nats-io/jetstream';
import { ConfigError, type ConfigIssue, type Logger } from '@slipstream/contracts';
import { createLogger, MessageBus } from '@slipstream/core';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { connectNats, NatsTransport } from '@slipstream/transport-nats';

import { CLUSTER, DURABLE_TOPICS, type MultiprocessSettings } from '../nodes/MultiprocessSettings';
import { NodeProcess } from './NodeProcess';
import { TaskTally } from './TaskTally';

/** Options of `runMultiprocessDemo`. */
export interface MultiprocessDemoOptions {
  /** NATS servers. Defaults to ['nats://127.0.0.1:4222']. */
  servers?: string[];
  /** Durable `sarah.task` commands published. Defaults to 200. */
  tasks?: number;
  /** Share of the tasks completed when Sarah's process is SIGKILLed, 0..1. Defaults to 0.25. */
  killAt?: number;
  /** How long to wait for every task after the restart, ms. Defaults to 60_000 ms. */
  timeoutMs?: number;
  /** How long a node may take to start, ms. Defaults to 30_000 ms. */
  startTimeoutMs?: number;
  /** Where progress lines go. Defaults to nowhere. */
  progress?: (line: string) => void;
}

/** What one run measured. */
export interface MultiprocessDemoReport {
  /** Publishes JetStream confirmed, counted as each confirmation arrived. */
  published: number;
  /** Publishes that failed (not confirmed); those tasks are not expected. */
  unconfirmed: number;
  /** Distinct tasks with a `sarah.task.completed`. */
  completed: number;
  /** `sarah.task.completed` events received, duplicates included. */
  completions: number;
  /** Completions beyond a task's first: tasks delivered again after Sarah's kill (at-least-once). */
  redelivered: number;
  /** Distinct tasks with a `sarah.task.failed` and no completion. */
  failed: number;
  /** Confirmed tasks that neither completed nor failed: published − completed − failed (distinct task ids). */
  lost: number;
  /** Distinct tasks completed when Sarah's process was SIGKILLed. */
  completedAtKill: number;
  /** Whether some node published `agent.offline` for the killed Sarah node. */
  offlineReported: boolean;
  /** From the first publish to the last completion (or the timeout), ms. */
  durationMs: number;
}

/** Latency of the upstreams, ms: long enough that Sarah's kill lands while tasks are in flight. */
const UPSTREAM_LATENCY_MS = 20;

const DEFAULTS = Object.freeze({
  servers: ['nats://127.0.0.1:4222'],
  tasks: 200,
  killAt: 0.25,
  timeoutMs: 60_000,
  startTimeoutMs: 30_000,
});

/**
 * The multi-process demo: starts two testkit upstreams (cluster `svc`), forks the sidecar,
 * Sarah and the optimizer as three node processes on one NATS, publishes `tasks` durable
 * `sarah.task` commands, SIGKILLs Sarah's process once `killAt` of them completed, starts a new
 * one, and waits until every confirmed task completed or failed (deduplicated by taskId) or
 * `timeoutMs` passed.
 * Every figure of the report is counted in this run. Stops every process and deletes the run's
 * stream before it resolves.
 */
export async function runMultiprocessDemo(
  options: MultiprocessDemoOptions = {},
): Promise<MultiprocessDemoReport> {
  const o = resolveOptions(options);
  const say = options.progress ?? (() => undefined);
  const suffix = randomBytes(4).toString('hex');
  const logger = createLogger({ level: 'warn', format: 'json' });
  const upstreams: Upstream[] = await startUpstreams(2, {
    name: CLUSTER,
    behaviour: { latencyMs: UPSTREAM_LATENCY_MS },
  });
  const settings: MultiprocessSettings = {
    servers: o.servers,
    namespace: `slipmp${suffix}`,
    streamName: `SLIPMP_${suffix}`,
    upstreams: upstreams.map((u) => u.origin),
  };
  const nodes: NodeProcess[] = [];
  const transport = new NatsTransport(
    {
      servers: o.servers,
      name: 'multiprocess-driver',
      namespace: settings.namespace,
      streamName: settings.streamName,
      durableTopics: [...DURABLE_TOPICS],
    },
    logger,
  );
  const bus = new MessageBus(transport, logger, { source: `driver-${process.pid}` });
  try {
    await transport.connect();
    const tally = new TaskTally();
    bus.subscribe('sarah.task.completed', ({ taskId }) => tally.completed(taskId));
    bus.subscribe('sarah.task.failed', ({ taskId }) => tally.failed(taskId));
    const offline = new Set<string>();
    bus.subscribe('agent.offline', ({ node }) => void offline.add(node));
    await bus.flush();

    say(
      `starting the sidecar, Sarah and the optimizer on ${o.servers.join(', ')} (namespace ${settings.namespace})`,
    );
    nodes.push(await NodeProcess.start('sidecar', settings, o.startTimeoutMs));
    nodes.push(
      ...(await Promise.all([
        NodeProcess.start('sarah', settings, o.startTimeoutMs),
        NodeProcess.start('optimizer', settings, o.startTimeoutMs),
      ])),
    );
    const firstSarah = nodes[1]!;

    const started = performance.now();
    let unconfirmed = 0;
    for (let i = 0; i < o.tasks; i++) {
      try {
        await bus.publish('sarah.task', {
          taskId: `task-${i}`,
          kind: 'aggregate',
          params: { gets: ['/'], cluster: CLUSTER },
        });
        tally.published();
      } catch (err) {
        unconfirmed++;
        logger.warn('sarah.task not confirmed', { taskId: `task-${i}`, error: String(err) });
      }
    }
    say(`published ${tally.publishedCount} durable sarah.task commands (${unconfirmed} unconfirmed)`);

    const killWhen = Math.max(1, Math.floor(tally.publishedCount * o.killAt));
    await tally.whenCompleted(killWhen, o.timeoutMs);
    await firstSarah.stop('SIGKILL');
    const completedAtKill = tally.distinctCompleted;
    say(`SIGKILLed Sarah (${firstSarah.node}) after ${completedAtKill} completed tasks; restarting her`);
    nodes.push(await NodeProcess.start('sarah', settings, o.startTimeoutMs));

    await tally.whenSettled(o.timeoutMs).catch(() => undefined);
    const durationMs = performance.now() - started;
    await waitUntil(() => offline.has(firstSarah.node), 10_000).catch(() => undefined);
    return {
      published: tally.publishedCount,
      unconfirmed,
      completed: tally.distinctCompleted,
      completions: tally.completions,
      redelivered: tally.completions - tally.distinctCompleted,
      failed: tally.failedOnly,
      lost: tally.lost,
      completedAtKill,
      offlineReported: offline.has(firstSarah.node),
      durationMs,
    };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await bus.close();
    await deleteStream(o.servers, settings.streamName, logger);
    await Promise.all(upstreams.map((u) => u.close()));
  }
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function deleteStream(servers: string[], streamName: string, logger: Logger): Promise<void> {
  try {
    const nc = await connectNats({ servers });
    try {
      await (await jetstreamManager(nc)).streams.delete(streamName);
    } finally {
      await nc.close();
    }
  } catch (err) {
    logger.warn('stream not deleted', { streamName, error: String(err) });
  }
}

function resolveOptions(
  options: MultiprocessDemoOptions,
): Required<Omit<MultiprocessDemoOptions, 'progress'>> {
  const o = {
    servers: options.servers ?? DEFAULTS.servers,
    tasks: options.tasks ?? DEFAULTS.tasks,
    killAt: options.killAt ?? DEFAULTS.killAt,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    startTimeoutMs: options.startTimeoutMs ?? DEFAULTS.startTimeoutMs,
  };
  const issues: ConfigIssue[] = [];
  if (o.servers.length === 0)
    issues.push({ path: 'servers', expected: 'at least one server', received: '[]' });
  for (const key of ['tasks', 'timeoutMs', 'startTimeoutMs'] as const) {
    if (!Number.isInteger(o[key]) || o[key] <= 0) {
      issues.push({ path: key, expected: 'a positive integer', received: String(o[key]) });
    }
  }
  if (!(o.killAt > 0 && o.killAt < 1))
    issues.push({ path: 'killAt', expected: 'a number in (0, 1)', received: String(o.killAt) });
  if (issues.length > 0) throw new ConfigError(issues);
  return o;
}
