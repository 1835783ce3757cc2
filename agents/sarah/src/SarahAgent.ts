import {
  ConfigError,
  TOKENS,
  type Agent,
  type AgentContext,
  type AgentHealth,
  type Disposer,
  type EventBus,
  type Logger,
  type SarahTask,
} from '@slipstream/contracts';
import { serializeError } from '@slipstream/core';
import { inject, injectable, optional } from 'inversify';
import { SARAH_TOKENS } from './SARAH_TOKENS';
import type { SarahNetwork } from './SarahNetwork';
import { SARAH_DEFAULTS, type SarahOptions, type TaskPriority } from './SarahOptions';
import { runAggregateTask } from './tasks/runAggregateTask';

/** What a worker is running on, once started. */
interface Running {
  bus: EventBus;
  logger: Logger;
  network: SarahNetwork;
  worker: string;
  unsubscribe: Disposer;
}

/**
 * A worker agent: takes `sarah.task` commands with balanced delivery (workers sharing a group
 * share the tasks), runs them through the `NetworkClient` it resolves from the container
 * (`TOKENS.NetworkClient`), and publishes `sarah.task.completed` or `sarah.task.failed` with the
 * task's measured duration. A task's priority picks its QoS class; its deadline bounds its calls.
 */
@injectable()
export class SarahAgent implements Agent {
  readonly id: string;
  readonly role = 'Worker: aggregates upstream services through the network sidecar';
  readonly capabilities = ['aggregate'] as const;
  readonly dependsOn = ['network-performance'] as const;
  readonly #group: string;
  readonly #qosClasses: Readonly<Record<TaskPriority, string>>;
  readonly #stopping = new AbortController();
  #running: Running | undefined;
  #inFlight = 0;
  #drained: (() => void)[] = [];
  #counts = { processed: 0, completed: 0, failed: 0 };

  /** Validates `options` (a `ConfigError` naming the field when one is empty). */
  constructor(@inject(SARAH_TOKENS.Options) @optional() options: SarahOptions = {}) {
    this.id = options.id ?? SARAH_DEFAULTS.id;
    this.#group = options.group ?? SARAH_DEFAULTS.group;
    this.#qosClasses = { ...SARAH_DEFAULTS.qosClasses, ...options.qosClasses };
    for (const [path, value] of [
      ['id', this.id],
      ['group', this.#group],
      ...Object.entries(this.#qosClasses).map(([k, v]) => [`qosClasses.${k}`, v]),
    ] as const) {
      if (typeof value !== 'string' || value === '') {
        throw new ConfigError([{ path, expected: 'a non-empty string', received: JSON.stringify(value) }]);
      }
    }
  }

  /** Resolves the network client and subscribes to `sarah.task` in its queue group. */
  start(ctx: AgentContext): Promise<void> {
    const network = ctx.services.get<SarahNetwork>(TOKENS.NetworkClient);
    const running: Running = {
      bus: ctx.bus,
      logger: ctx.logger,
      network,
      worker: `${ctx.bus.source}/${this.id}`,
      unsubscribe: () => undefined,
    };
    running.unsubscribe = ctx.bus.subscribe('sarah.task', (task) => this.#handle(running, task), {
      group: this.#group,
    });
    this.#running = running;
    return Promise.resolve();
  }

  /** Stops taking tasks and waits for those in flight (the orchestrator cuts it at its drain timeout). */
  async stop(): Promise<void> {
    this.#running?.unsubscribe();
    this.#running = undefined;
    if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
  }

  /** Ready while subscribed; details count the tasks processed, completed, failed and in flight. */
  health(): AgentHealth {
    return {
      live: true,
      ready: this.#running !== undefined,
      details: { ...this.#counts, inFlight: this.#inFlight },
    };
  }

  async #handle(running: Running, task: SarahTask): Promise<void> {
    const { bus, logger, network, worker } = running;
    this.#inFlight++;
    const start = performance.now();
    try {
      const result = await runAggregateTask(network, task, {
        qosClasses: this.#qosClasses,
        signal: this.#stopping.signal,
      });
      this.#counts.completed++;
      await bus.publish('sarah.task.completed', {
        taskId: task.taskId,
        worker,
        durationMs: performance.now() - start,
        calls: result.timings.length,
        result,
      });
    } catch (err) {
      this.#counts.failed++;
      logger.debug('task failed', { taskId: task?.taskId, error: err });
      await bus
        .publish('sarah.task.failed', {
          taskId: typeof task?.taskId === 'string' ? task.taskId : '(none)',
          worker,
          durationMs: performance.now() - start,
          error: serializeError(err),
        })
        .catch((publishErr: unknown) => logger.warn('task failure not published', { error: publishErr }));
    } finally {
      this.#counts.processed++;
      if (--this.#inFlight === 0) for (const resolve of this.#drained.splice(0)) resolve();
    }
  }
}
