/** Container identifiers of the Sarah package (package-local, `Symbol.for` like the contracts' `TOKENS`). */
export const SARAH_TOKENS = {
  /** The `SarahOptions` a worker is built with. */
  Options: Symbol.for('slipstream.agent.sarah.Options'),
  /** The Sarah workers bound by `sarahModule`, as a multi-binding. */
  Worker: Symbol.for('slipstream.agent.sarah.Worker'),
} as const;
