/** Options of `slipstream bench`. */
export interface CliOptions {
  /** The URL to GET (http or https). Required. */
  target: URL;
  /** Total measuring time over every variant and round, s. Defaults to 10 s. */
  durationS: number;
  /** Requests in flight (and pool connections). Defaults to 16. */
  connections: number;
  /** Also write the result as JSON to this file. Defaults to none. */
  json?: string;
}

/** Defaults of `CliOptions`. */
export const CLI_DEFAULTS = Object.freeze({ durationS: 10, connections: 16 });

/** Bounds of the numeric options. */
export const CLI_LIMITS = Object.freeze({ maxDurationS: 600, maxConnections: 1_024 });
