/** How urgent a call is: `critical` flushes its batch at once; `bulk` yields to the others in a backlog. */
export type CallPriority = 'critical' | 'standard' | 'bulk';

/** Options of one `RequestBatcher.call()`. */
export interface CallOptions {
  /** Defaults to 'standard'. */
  priority?: CallPriority;
  /** Aborts this call only: unsent, it leaves its batch; in flight, it rejects at once. Defaults to none. */
  signal?: AbortSignal;
  /** Whether identical calls may share one result when the batcher's `dedupe` is on. Defaults to false. */
  idempotent?: boolean;
  /** Rejects the call with `RequestTimeoutError` when unsettled this long after `call()`, ms. Defaults to none. */
  timeoutMs?: number;
}

/** Options of one `RequestBatcher.notify()`: a notification is never shared, so there is no `idempotent`. */
export type NotifyOptions = Omit<CallOptions, 'idempotent'>;
