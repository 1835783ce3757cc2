import type { ConfigIssue } from './ConfigError';

const kSlipstreamError = Symbol.for('slipstream.error');

/** Options every Slipstream error accepts. */
export interface SlipstreamErrorOptions {
  /** The error that caused this one. */
  cause?: unknown;
  /** Whether repeating the operation may succeed. Defaults to the class's own `retryable`. */
  retryable?: boolean;
}

/** The JSON form of an error, as it travels in bus replies and events. */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  retryable: boolean;
  /** A `ConfigError`'s refused values, each with its path, what was expected and what was received. */
  issues?: readonly ConfigIssue[];
  /** A `RequestTimeoutError`'s: true when the request never reached the upstream (it timed out in the client). */
  unsent?: boolean;
}

/**
 * The base of every error Slipstream throws. Each subclass has a stable `code`
 * (`SLIP_ERR_*`) and says whether a retry may help. Branded with `Symbol.for`, so
 * `X.is(e)` works across two installed copies of the package (like undici's errors).
 */
export class SlipstreamError extends Error {
  /** The stable code of this class of error. Subclasses override it. */
  static readonly code: string = 'SLIP_ERR_INTERNAL';
  /** Whether errors of this class are retryable unless the constructor says otherwise. */
  static readonly retryable: boolean = false;

  /** Stable machine-readable code, `SLIP_ERR_*`. */
  readonly code: string;
  /** Whether repeating the operation may succeed. Retry decisions read this, never the message. */
  readonly retryable: boolean;
  readonly [kSlipstreamError] = true;

  constructor(message: string, options: SlipstreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target;
    this.name = ctor.name;
    this.code = ctor.code;
    this.retryable = options.retryable ?? ctor.retryable;
  }

  /**
   * Whether `value` is an error of this class (matched by brand and code, not by
   * `instanceof`). `SlipstreamError.is(e)` matches every Slipstream error.
   */
  static is<T extends SlipstreamError>(
    this: (abstract new (...args: never[]) => T) & { readonly code: string },
    value: unknown,
  ): value is T {
    if (typeof value !== 'object' || value === null) return false;
    if ((value as Record<symbol, unknown>)[kSlipstreamError] !== true) return false;
    return this.code === SlipstreamError.code || (value as { code?: unknown }).code === this.code;
  }

  /** The serialisable form of this error. */
  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable };
  }
}
