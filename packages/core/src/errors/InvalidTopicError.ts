import { SlipstreamError } from '@slipstream/contracts';

/** A topic or subscription pattern is malformed (empty token, misplaced `>`, wildcard in a published topic). */
export class InvalidTopicError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_INVALID_TOPIC';
  constructor(
    readonly topic: string,
    readonly reason: string,
  ) {
    super(`invalid topic "${topic}": ${reason}`);
  }
}
