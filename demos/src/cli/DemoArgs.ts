/** What the command line asked for. */
export interface DemoArgs {
  /** Run only these scenarios (each 1..10). Defaults to all. */
  only?: number[];
  /** Write machine-readable results here. Defaults to none. */
  json?: string;
  /** Run against the real upstreams listed in this JSON file, through forwarding testkit upstreams. Defaults to none. */
  config?: string;
  /** Multiplies every workload's request count. Defaults to 1. */
  scale: number;
}
