import {
  ConfigError,
  TOKENS,
  SlipstreamError,
  type Agent,
  type AgentContext,
  type AgentHealth,
  type DeliveryInfo,
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
  /** Aborted when the orchestrator begins to stop (its `ctx.signal`): in-flight tasks stop their calls. */
  stopping: AbortController;
  /** Removes the listener on `ctx.signal`. */
  unlisten: Disposer;
}

/**
 * A worker agent: takes `sarah.task` commands with balanced delivery (workers sharing a group
 * share the tasks), runs them through the `NetworkClient` it resolves from the container
 * (`TOKENS.NetworkClient`), and publishes `sarah.task.completed` or `sarah.task.failed` with the
 * task's measured duration. A task's priority picks its QoS class; its deadline bounds its calls.
 * A durable task that fails retryably (or is cut by the stop) with delivery attempts left is
 * not reported: the handler rethrows, so the stream redelivers it (at-least-once). When the
 * orchestrator begins to stop, the calls of tasks in flight are aborted.
 */
@injectable()
export class SarahAgent implements Agent {
  readonly id: string;
  readonly role = 'Worker: aggregates upstream services through the network sidecar';
  readonly capabilities = ['aggregate'] as const;
  readonly dependsOn = ['network-performance'] as const;
  readonly #group: string;
  readonly #qosClasses: Readonly<Record<TaskPriority, string>>;
  readonly #maxDeliveryAttempts: number;
  #running: Running | undefined;
  #inFlight = 0;
  #drained: (() => void)[] = [];
  #counts = { processed: 0, completed: 0, failed: 0 };

  /** Validates `options` (a `ConfigError` naming the field when one is empty). */
  constructor(@inject(SARAH_TOKENS.Options) @optional() options: SarahOptions = {}) {
    this.id = options.id ?? SARAH_DEFAULTS.id;
    this.#group = options.group ?? SARAH_DEFAULTS.group;
    this.#qosClasses = { ...SARAH_DEFAULTS.qosClasses, ...options.qosClasses };
    this.#maxDeliveryAttempts = options.maxDeliveryAttempts ?? SARAH_DEFAULTS.maxDeliveryAttempts;
    if (!Number.isInteger(this.#maxDeliveryAttempts) || this.#maxDeliveryAttempts < 1) {
      throw new ConfigError([
        {
          path: 'maxDeliveryAttempts',
          expected: 'an integer ≥ 1',
          received: String(options.maxDeliveryAttempts),
        },
      ]);
    }
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

  /** Resolves the network client, follows `ctx.signal` and subscribes to `sarah.task` in its queue group. */
  start(ctx: AgentContext): Promise<void> {
    const network = ctx.services.get<SarahNetwork>(TOKENS.NetworkClient);
    const stopping = new AbortController();
    const onStop = (): void => stopping.abort(ctx.signal.reason);
    if (ctx.signal.aborted) onStop();
    else ctx.signal.addEventListener('abort', onStop, { once: true });
    const running: Running = {
      bus: ctx.bus,
      logger: ctx.logger,
      network,
      worker: `${ctx.bus.source}/${this.id}`,
      unsubscribe: () => undefined,
      stopping,
      unlisten: () => ctx.signal.removeEventListener('abort', onStop),
    };
    running.unsubscribe = ctx.bus.subscribe(
      'sarah.task',
      (task, _envelope, delivery) => this.#handle(running, task, delivery),
      { group: this.#group },
    );
    this.#running = running;
    return Promise.resolve();
  }

  /** Stops taking tasks and waits for those in flight (the orchestrator cuts it at its drain timeout). */
  async stop(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    running?.unsubscribe();
    if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
    running?.unlisten();
  }

  /** Ready while subscribed; details count the tasks processed, completed, failed and in flight. */
  health(): AgentHealth {
    return {
      live: true,
      ready: this.#running !== undefined,
      details: { ...this.#counts, inFlight: this.#inFlight },
    };
  }

  /**
   * Runs one task and publishes its outcome. Success is decided first; the completion is
   * published after, so a failed publish is never also counted as a failed task (it is logged,
   * and rethrown for a durable task so that it is redelivered).
   */
  async #handle(running: Running, task: SarahTask, delivery: DeliveryInfo): Promise<void> {
    const { bus, logger, network, worker, stopping } = running;
    this.#inFlight++;
    const start = performance.now();
    try {
      let result: Awaited<ReturnType<typeof runAggregateTask>>;
      try {
        result = await runAggregateTask(network, task, {
          qosClasses: this.#qosClasses,
          signal: stopping.signal,
        });
      } catch (err) {
        if (this.#redeliver(delivery, err, stopping.signal)) {
          logger.debug('task left for redelivery', {
            taskId: task?.taskId,
            attempt: delivery.attempt,
            error: err,
          });
          throw err;
        }
        this.#counts.failed++;
        logger.debug('task failed', { taskId: task?.taskId, attempt: delivery.attempt, error: err });
        await bus
          .publish('sarah.task.failed', {
            taskId: typeof task?.taskId === 'string' ? task.taskId : '(none)',
            worker,
            durationMs: performance.now() - start,
            error: serializeError(err),
            attempt: delivery.attempt,
          })
          .catch((publishErr: unknown) => logger.warn('task failure not published', { error: publishErr }));
        return;
      }
      this.#counts.completed++;
      try {
        await bus.publish('sarah.task.completed', {
          taskId: task.taskId,
          worker,
          durationMs: performance.now() - start,
          calls: result.timings.length,
          result,
          attempt: delivery.attempt,
        });
      } catch (publishErr) {
        logger.warn('task completion not published', { taskId: task.taskId, error: publishErr });
        if (delivery.durable) throw publishErr;
      }
    } finally {
      this.#counts.processed++;
      if (--this.#inFlight === 0) for (const resolve of this.#drained.splice(0)) resolve();
    }
  }

  /** Whether a durable task's failure should be left to the stream to redeliver (retryable, or cut by the stop, with attempts left). */
  #redeliver(delivery: DeliveryInfo, err: unknown, stopping: AbortSignal): boolean {
    if (!delivery.durable || delivery.attempt >= this.#maxDeliveryAttempts) return false;
    return stopping.aborted || (SlipstreamError.is(err) && err.retryable);
  }
}
