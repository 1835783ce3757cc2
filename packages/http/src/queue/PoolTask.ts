import type { SlipstreamError } from '@slipstream/contracts';
import type { Dispatcher } from 'undici';

/**
 * A request waiting for, or holding, one of an origin's slots. The queue links tasks
 * through their own `prev`/`next` fields, so queueing allocates nothing and an aborted
 * task leaves the queue in O(1).
 */
export interface PoolTask {
  /** Previous task in the queue; null at the head or when not queued. */
  prev: PoolTask | null;
  /** Next task in the queue; null at the tail or when not queued. */
  next: PoolTask | null;
  /** Whether the task sits in a queue now. */
  queued: boolean;
  /** Timer that fails the task when it waited too long in the queue. */
  queueTimer: NodeJS.Timeout | undefined;
  /** Sends the request through `dispatcher`; the caller has taken a slot for it. */
  start(dispatcher: Dispatcher): void;
  /** Fails a task that never got a slot (queue full, queue timeout, pool closed). */
  fail(err: SlipstreamError): void;
}
