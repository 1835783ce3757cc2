/** Exit statuses of the `slipstream` command. */
export const EXIT = Object.freeze({
  /** Done, and every checked property held. */
  ok: 0,
  /** The command ran and failed (a property did not hold, a target did not answer). */
  failure: 1,
  /** Bad usage: an unknown command or option, an invalid value, an invalid config file. */
  usage: 2,
  /** Stopped by SIGINT (128 + 2). */
  sigint: 130,
  /** Stopped by SIGTERM (128 + 15). */
  sigterm: 143,
});
