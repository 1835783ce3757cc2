import {
  ClientClosedError,
  QueueFullError,
  QueueTimeoutError,
  type SlipstreamError,
} from '@slipstream/contracts';
import type { Dispatcher } from 'undici';
import { resolvePoolOptions } from '../options/PoolManagerOptions';
import type { PoolTask } from '../queue/PoolTask';
import { OriginPool } from './OriginPool';

/** A task that records what happened to it; it never touches the network. */
class RecordingTask implements PoolTask {
  prev: PoolTask | null = null;
  next: PoolTask | null = null;
  queued = false;
  queueTimer: NodeJS.Timeout | undefined = undefined;
  started = 0;
  error: SlipstreamError | undefined;
  start(_dispatcher: Dispatcher): void {
    this.started++;
  }
  fail(err: SlipstreamError): void {
    this.error = err;
  }
}

describe(OriginPool, () => {
  let pool: OriginPool;

  beforeEach(() => {
    jest.useFakeTimers();
    pool = new OriginPool(
      'http://127.0.0.1:9',
      resolvePoolOptions({ connections: 1, maxPending: 2, queueTimeoutMs: 1_000 }),
    );
  });

  afterEach(async () => {
    jest.useRealTimers();
    await pool.destroy(new ClientClosedError('test over'));
  });

  describe('.submit()', () => {
    it('when the slots are taken, queues up to maxPending and refuses the next at once', () => {
      const tasks = Array.from({ length: 4 }, () => new RecordingTask());
      for (const t of tasks) pool.submit(t);
      expect(tasks.map((t) => t.started)).toEqual([1, 0, 0, 0]);
      expect(QueueFullError.is(tasks[3]!.error)).toBe(true);
      expect(pool.stats().queued).toBe(2);
    });

    it('when a task waits longer than queueTimeoutMs, fails it with QueueTimeoutError', () => {
      const [first, second] = [new RecordingTask(), new RecordingTask()];
      pool.submit(first);
      pool.submit(second);
      jest.advanceTimersByTime(999);
      expect(second.error).toBeUndefined();
      jest.advanceTimersByTime(1);
      expect(QueueTimeoutError.is(second.error)).toBe(true);
      expect(pool.stats().queued).toBe(0);
    });
  });

  describe('.release()', () => {
    it('hands the slot to the oldest waiting task', () => {
      const tasks = Array.from({ length: 3 }, () => new RecordingTask());
      for (const t of tasks) pool.submit(t);
      pool.release();
      expect(tasks.map((t) => t.started)).toEqual([1, 1, 0]);
      expect(pool.inflight).toBe(1);
    });
  });

  describe('.dequeue()', () => {
    it('removes an aborted task from the middle of the queue and clears its timer', () => {
      const tasks = Array.from({ length: 3 }, () => new RecordingTask());
      for (const t of tasks) pool.submit(t);
      pool.dequeue(tasks[1]!);
      jest.advanceTimersByTime(1_000);
      expect(tasks[1]!.error).toBeUndefined();
      expect(QueueTimeoutError.is(tasks[2]!.error)).toBe(true);
    });
  });
});
