import type { NetworkPerformanceAgentOptions } from '@slipstream/agent-network-performance';
import { ConfigError } from '@slipstream/contracts';
import { parseSidecarConfig } from '../config/SidecarConfig';

/** What a fleet revision holds: the `network` section every sidecar of the fleet runs. */
export interface FleetConfig {
  network: NetworkPerformanceAgentOptions;
}

/**
 * Validates a fleet revision: an object with a `network` section (validated as the sidecar's own,
 * by `parseSidecarConfig`) and nothing else (a node's listener, bus or fleet section is its own
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
  return { network: parseSidecarConfig({ network: (input as { network?: unknown }).network }).network };
}
