import { SlipstreamError, type SerializedError, type SlipstreamErrorOptions } from './SlipstreamError';

/** A bus request got no reply within its timeout. */
export class BusTimeoutError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_BUS_TIMEOUT';
  static override readonly retryable = true;
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
    options?: SlipstreamErrorOptions,
  ) {
    super(`no reply on "${topic}" within ${timeoutMs} ms`, options);
  }
}

/** A bus request was sent to a topic nobody responds to. */
export class NoResponderError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_NO_RESPONDER';
  static override readonly retryable = true;
  constructor(
    readonly topic: string,
    options?: SlipstreamErrorOptions,
  ) {
    super(`no responder for "${topic}"`, options);
  }
}

/** A payload cannot travel as JSON (a function, a cycle, a bigint, a class instance...). */
export class PayloadNotSerializableError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_PAYLOAD_NOT_SERIALIZABLE';
  constructor(
    readonly topic: string,
    readonly reason: string,
    options?: SlipstreamErrorOptions,
  ) {
    super(`payload on "${topic}" is not JSON-serialisable: ${reason}`, options);
  }
}

/** The responder of a bus request failed; `remote` is its error as it travelled. */
export class RemoteError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_REMOTE';
  constructor(
    readonly topic: string,
    readonly remote: SerializedError,
  ) {
    super(`responder on "${topic}" failed: ${remote.code}: ${remote.message}`, {
      retryable: remote.retryable,
    });
  }
}

/** The bus or its transport is closed, or a publish could not be buffered while disconnected. */
export class BusUnavailableError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_BUS_UNAVAILABLE';
  static override readonly retryable = true;
}
