import { SlipstreamError } from '@slipstream/contracts';

/** An operation needs the agent's services, which it resolves in `start()`; it is not running. */
export class AgentNotStartedError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_AGENT_NOT_STARTED';
  static override readonly retryable = true;
}
