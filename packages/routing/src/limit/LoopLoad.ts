import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Node's `performance.eventLoopUtilization`, or a stand-in with its signature (a test's with a simulated clock). */
export type EventLoopUtilizationFn = (
  since?: EventLoopUtilization,
  until?: EventLoopUtilization,
) => EventLoopUtilization;

/**
 * How busy the client's own event loop was over successive spans: the share of the time it ran
 * callbacks rather than waiting for I/O (Node's event-loop utilization, read from the loop's own
 * counters at no cost between reads). A loop busy all the time is the bottleneck of every request
 * it sends: a response waits in its socket until the loop gets to it.
 */
export class LoopLoad {
  private mark: EventLoopUtilization;

  constructor(private readonly read: EventLoopUtilizationFn = performance.eventLoopUtilization) {
    this.mark = read();
  }

  /** The share of the time since the last call (or construction) the loop was busy, 0..1. */
  sinceLast(): number {
    const now = this.read();
    const utilization = this.read(now, this.mark).utilization;
    this.mark = now;
    return utilization;
  }
}
