import type { NetworkCommandName } from '@slipstream/contracts';
import { COMMAND_SCHEMAS, parseConfig } from '@slipstream/config';
import type { z } from 'zod';

/**
 * Checks a command payload against the same schema as the constructor option it sets
 * (`COMMAND_SCHEMAS` of `@slipstream/config`); throws a `ConfigError` naming each bad path.
 */
export function checkPayload(command: NetworkCommandName, payload: unknown): void {
  const schema: z.ZodType = COMMAND_SCHEMAS[command];
  parseConfig(schema, payload);
}
