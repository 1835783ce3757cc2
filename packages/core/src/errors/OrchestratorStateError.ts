import { SlipstreamError } from '@slipstream/contracts';

/** An orchestrator method was called in a phase that does not allow it (e.g. `register()` after `start()`). */
export class OrchestratorStateError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_ORCHESTRATOR_STATE';
}
