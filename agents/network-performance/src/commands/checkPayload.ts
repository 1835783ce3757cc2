import type { NetworkCommandName } from '@slipstream/contracts';
import { parseConfig } from '@slipstream/core';
import type { z } from 'zod';
import { COMMAND_SCHEMAS } from './commandSchemas';

/** Checks a command payload's shape; throws a `ConfigError` naming each bad path (see `COMMAND_SCHEMAS`). */
export function checkPayload(command: NetworkCommandName, payload: unknown): void {
  const schema: z.ZodType = COMMAND_SCHEMAS[command];
  parseConfig(schema, payload);
}
