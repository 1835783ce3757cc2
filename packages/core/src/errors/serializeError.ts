import { SlipstreamError, type SerializedError } from '@slipstream/contracts';

/**
 * The JSON form of anything thrown, as it travels in bus replies and events. Slipstream errors
 * keep their code and `retryable`; other errors become `SLIP_ERR_INTERNAL`, not retryable,
 * unless they carry a string `code` of their own.
 */
export function serializeError(err: unknown): SerializedError {
  if (SlipstreamError.is(err)) return err.toJSON();
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      code: typeof code === 'string' ? code : SlipstreamError.code,
      message: err.message,
      retryable: false,
    };
  }
  return { name: 'Error', code: SlipstreamError.code, message: String(err), retryable: false };
}
