import type { SarahTask } from '@slipstream/contracts';

/** A task priority. */
export type TaskPriority = NonNullable<SarahTask['priority']>;

/** Options of a Sarah worker. */
export interface SarahOptions {
  /** Agent id; unique per orchestrator, so several workers need several ids. Defaults to 'sarah'. */
  id?: string;
  /** Queue group of `sarah.task`: workers sharing it share the tasks. Defaults to 'sarah'. */
  group?: string;
  /** QoS class of each task priority. Defaults to critical → 'critical', standard → 'standard', bulk → 'bulk'. */
  qosClasses?: Partial<Record<TaskPriority, string>>;
  /**
   * Delivery attempts of a durable task before a retryable failure is final: until then the
   * handler rethrows so the stream redelivers it. Defaults to 5.
   */
  maxDeliveryAttempts?: number;
}

/** Defaults of `SarahOptions`. */
export const SARAH_DEFAULTS = Object.freeze({
  id: 'sarah',
  group: 'sarah',
  qosClasses: Object.freeze({ critical: 'critical', standard: 'standard', bulk: 'bulk' }),
  maxDeliveryAttempts: 5,
});
