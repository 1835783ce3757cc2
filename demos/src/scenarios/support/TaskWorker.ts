import { type Disposer, type EventBus, type SarahTask } from '@slipstream/contracts';
import type { NetworkClient } from '@slipstream/client';
import { serializeError } from '@slipstream/core';
import { expectOk } from './expectOk';

/**
 * A Sarah-style worker for the demo: takes `sarah.task` events of its task-id prefix, makes
 * `params.calls` requests through `client` (route `/task`), and reports
 * `sarah.task.completed` or `sarah.task.failed` on the bus.
 */
export class TaskWorker {
  readonly #dispose: Disposer;

  constructor(
    private readonly bus: EventBus,
    private readonly client: NetworkClient,
    /** Cluster the task's requests go to. */
    private readonly cluster: string,
    /** Only tasks whose id starts with this are taken (other workers may share the bus). */
    private readonly prefix: string,
    /** `worker` field of the outcome events. */
    readonly id: string,
  ) {
    this.#dispose = bus.subscribe('sarah.task', (task) => {
      if (task.taskId.startsWith(prefix)) return this.#work(task);
    });
  }

  /** Stops taking tasks. */
  close(): void {
    this.#dispose();
  }

  async #work(task: SarahTask): Promise<void> {
    const start = performance.now();
    const calls = typeof task.params?.calls === 'number' ? task.params.calls : 1;
    try {
      for (let i = 0; i < calls; i++) {
        expectOk(
          await this.client.request({ path: '/task', cluster: this.cluster }, { priority: task.priority }),
        );
      }
      await this.bus.publish('sarah.task.completed', {
        taskId: task.taskId,
        worker: this.id,
        durationMs: performance.now() - start,
        calls,
        result: { calls },
      });
    } catch (err) {
      await this.bus.publish('sarah.task.failed', {
        taskId: task.taskId,
        worker: this.id,
        durationMs: performance.now() - start,
        error: serializeError(err),
      });
    }
  }
}
