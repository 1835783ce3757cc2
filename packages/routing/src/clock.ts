/** A monotonic time source in milliseconds. Injected so tests can drive time with fake timers. */
export type Clock = () => number;

/** The default clock: `performance.now()`, monotonic and faked by jest's modern fake timers. */
export const monotonicClock: Clock = () => performance.now();
