import { SlipstreamError, type SerializedError } from './SlipstreamError';

/** One reason a configuration value was refused. */
export interface ConfigIssue {
  /** Dotted path of the option, e.g. `pool.connections`. */
  path: string;
  /** What the option accepts. */
  expected: string;
  /** What was given, rendered for humans. */
  received: string;
}

/** A configuration was refused. The message names every path, what was expected and what was received. */
export class ConfigError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_CONFIG';

  constructor(
    readonly issues: readonly ConfigIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      `invalid configuration: ${issues
        .map((i) => `${i.path || '(root)'}: expected ${i.expected}, received ${i.received}`)
        .join('; ')}`,
      options,
    );
  }

  /** The JSON form, with every issue: a remote caller reads each refused path, not only the message. */
  override toJSON(): SerializedError {
    return { ...super.toJSON(), issues: this.issues };
  }
}
