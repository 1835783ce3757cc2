import { BusTimeoutError, type Disposer, type EventBus, type SarahTask } from '@slipstream/contracts';

/** How a task ended, as its worker reported it on the bus. */
export type TaskOutcome = 'completed' | 'failed';

/**
 * Publishes `sarah.task` events and resolves each with the `sarah.task.completed` or
 * `sarah.task.failed` event of the same task id, exactly once.
 */
export class TaskTracker {
  readonly #pending = new Map<string, (outcome: TaskOutcome) => void>();
  readonly #disposers: Disposer[];
  /** Outcome events seen per task id (a task settled twice would show 2). */
  readonly settlements = new Map<string, number>();
  /** The `result` of each completed task, by task id. */
  readonly results = new Map<string, unknown>();

  constructor(private readonly bus: EventBus) {
    this.#disposers = [
      bus.subscribe('sarah.task.completed', ({ taskId, result }) => {
        this.results.set(taskId, result);
        this.#settle(taskId, 'completed');
      }),
      bus.subscribe('sarah.task.failed', ({ taskId }) => this.#settle(taskId, 'failed')),
    ];
  }

  /** Publishes `task` and resolves with its outcome; rejects with `BusTimeoutError` after `timeoutMs`. */
  submit(task: SarahTask, timeoutMs: number): Promise<TaskOutcome> {
    return new Promise<TaskOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(task.taskId);
        reject(new BusTimeoutError('sarah.task', timeoutMs));
      }, timeoutMs);
      timer.unref();
      this.#pending.set(task.taskId, (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      });
      this.bus.publish('sarah.task', task).catch((err: Error) => {
        clearTimeout(timer);
        this.#pending.delete(task.taskId);
        reject(err);
      });
    });
  }

  /** Stops listening. */
  close(): void {
    for (const dispose of this.#disposers) dispose();
  }

  #settle(taskId: string, outcome: TaskOutcome): void {
    this.settlements.set(taskId, (this.settlements.get(taskId) ?? 0) + 1);
    const resolve = this.#pending.get(taskId);
    this.#pending.delete(taskId);
    resolve?.(outcome);
  }
}
