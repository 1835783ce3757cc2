import { SlipstreamError, type SlipstreamErrorOptions } from './SlipstreamError';

/** An agent with this id is already registered. */
export class DuplicateAgentError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_DUPLICATE_AGENT';
  constructor(readonly agentId: string) {
    super(`an agent with id "${agentId}" is already registered`);
  }
}

/** An object offered as an agent does not satisfy the Agent contract. */
export class AgentContractError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_AGENT_CONTRACT';
  constructor(
    readonly agentId: string,
    readonly problems: readonly string[],
  ) {
    super(`agent "${agentId}" violates the Agent contract: ${problems.join('; ')}`);
  }
}

/** The agents' `dependsOn` declarations form a cycle or name an unknown agent. */
export class DependencyError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_AGENT_DEPENDENCY';
}

/** An agent failed to start, or to stop within its drain timeout. */
export class AgentLifecycleError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_AGENT_LIFECYCLE';
  constructor(
    readonly agentId: string,
    readonly phase: 'start' | 'stop',
    message: string,
    options?: SlipstreamErrorOptions,
  ) {
    super(`agent "${agentId}" failed to ${phase}: ${message}`, options);
  }
}
