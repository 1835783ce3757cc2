import type { NetworkPerformanceAgentOptions } from '@slipstream/agent-network-performance';
import { agentOptionsSchema, parseConfig } from '@slipstream/config';
import { ConfigError } from '@slipstream/contracts';

/** What a fleet revision holds: the `network` section every sidecar of the fleet runs. */
export interface FleetConfig {
  network: NetworkPerformanceAgentOptions;
}

/**
 * Validates a fleet revision: an object with a `network` section (validated against the config
 * file's `network` schema; the sidecar builds it again when it applies the revision) and nothing else (a node's listener, bus or fleet section is its own
 * file's business, so another key is refused). Throws a `ConfigError` naming the full path.
 */
export function parseFleetConfig(input: unknown): FleetConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError([
      {
        path: '',
        expected: 'object with a `network` section',
        received: Array.isArray(input) ? 'array' : typeof input,
      },
    ]);
  }
  const unknown = Object.keys(input).filter((key) => key !== 'network');
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((key) => ({
        path: key,
        expected: 'no such key (a fleet revision holds `network` only)',
        received: 'a value',
      })),
    );
  }
  const network = (input as { network?: unknown }).network;
  parseConfig(agentOptionsSchema.strict(), network, ['network']);
  return { network: network as NetworkPerformanceAgentOptions };
}
