import type { NetworkCommandName } from '@slipstream/contracts';
import { parseConfig } from '@slipstream/config';
import type { z } from 'zod';
import { NETWORK_COMMANDS } from './NETWORK_COMMANDS';

/**
 * Checks a command payload against its schema in `NETWORK_COMMANDS` (the same as the
 * constructor option it sets); throws a `ConfigError` naming each bad path.
 */
export function checkPayload(command: NetworkCommandName, payload: unknown): void {
  const schema: z.ZodType = NETWORK_COMMANDS[command].schema;
  parseConfig(schema, payload);
}
