import type { PoolTask } from './PoolTask';

/** FIFO of pool tasks, intrusive (the links live on the tasks), with O(1) removal. */
export class TaskQueue {
  #head: PoolTask | null = null;
  #tail: PoolTask | null = null;
  #size = 0;

  /** Tasks waiting now. */
  get size(): number {
    return this.#size;
  }

  /** Appends `task`. */
  push(task: PoolTask): void {
    task.queued = true;
    task.prev = this.#tail;
    task.next = null;
    if (this.#tail) this.#tail.next = task;
    else this.#head = task;
    this.#tail = task;
    this.#size++;
  }

  /** Removes and returns the oldest task, or undefined when empty. */
  shift(): PoolTask | undefined {
    const task = this.#head;
    if (!task) return undefined;
    this.remove(task);
    return task;
  }

  /** Removes `task` if it is queued here; clears its queue timer. */
  remove(task: PoolTask): void {
    if (!task.queued) return;
    if (task.prev) task.prev.next = task.next;
    else this.#head = task.next;
    if (task.next) task.next.prev = task.prev;
    else this.#tail = task.prev;
    task.prev = task.next = null;
    task.queued = false;
    clearTimeout(task.queueTimer);
    task.queueTimer = undefined;
    this.#size--;
  }
}
