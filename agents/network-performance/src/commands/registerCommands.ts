import type {
  Disposer,
  EventBus,
  NetworkCommandName,
  NetworkPerformanceAgentContract,
} from '@slipstream/contracts';
import { checkPayload } from './checkPayload';
import { NETWORK_COMMAND_NAMES, NETWORK_COMMANDS, type NetworkCommand } from './NETWORK_COMMANDS';

/**
 * Answers every command of `NETWORK_COMMANDS` with the agent's operation. Payloads are checked
 * against the table's schema first (the operations check theirs again for direct callers); a
 * malformed one (or any refusal) becomes an error reply — the requester gets a `RemoteError`
 * carrying the `ConfigError`'s code — and never reaches the pipeline. Returns the disposers.
 */
export function registerCommands(bus: EventBus, agent: NetworkPerformanceAgentContract): Disposer[] {
  return NETWORK_COMMAND_NAMES.map((topic) => respond(bus, agent, topic));
}

/** Answers `topic` with its table entry. */
function respond<C extends NetworkCommandName>(
  bus: EventBus,
  agent: NetworkPerformanceAgentContract,
  topic: C,
): Disposer {
  const command: NetworkCommand<C> = NETWORK_COMMANDS[topic];
  return bus.respond(topic, (payload) => {
    checkPayload(topic, payload);
    return command.answer(agent, payload);
  });
}
