import type { EventLoopUtilizationFn } from '../src/limit/LoopLoad';

/**
 * An event loop that is never busy, for limiters on a simulated clock: the real loop's utilization (busy all
 * the time while a test feeds samples synchronously) does not describe their simulated windows.
 */
export const IDLE_LOOP: EventLoopUtilizationFn = () => ({ idle: 1, active: 0, utilization: 0 });
