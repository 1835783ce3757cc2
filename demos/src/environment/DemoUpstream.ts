import type { Behaviour, BehaviourRule, UpstreamCounters } from '@slipstream/testkit';

/**
 * An upstream a scenario sends to and controls: a testkit upstream, answering itself or
 * forwarding to a real upstream (`--config`). Its counters are the upstream's own view of what
 * the client did (connections accepted, bytes on the wire).
 */
export interface DemoUpstream {
  /** `http://host:port`. */
  readonly origin: string;
  /** The upstream's counters since start or the last reset. */
  counters(): Promise<UpstreamCounters>;
  /** Zeroes the counters. */
  resetCounters(): Promise<void>;
  /** Replaces the default behaviour (an object) or the rules (an array). */
  setBehaviour(config: Behaviour | readonly BehaviourRule[]): Promise<void>;
  /** Takes the upstream down hard (a crashed process, or a server that refuses connections); a real upstream behind it is untouched. */
  kill(): Promise<void>;
  /** Shuts it down for good. */
  close(): Promise<void>;
}
