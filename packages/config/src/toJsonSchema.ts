import { z } from 'zod';
import { agentOptionsSchema } from './schemas/agentOptionsSchema';
import { clientOptionsSchema } from './schemas/clientOptionsSchema';

/** The option sets an editor can check a file against. */
export const JSON_SCHEMA_SOURCES = Object.freeze({
  client: clientOptionsSchema,
  agent: agentOptionsSchema,
});

/**
 * A JSON Schema (draft 2020-12) of the client's or the agent's options, generated from the
 * schemas that validate them (`z.toJSONSchema`), for editors' completion and checks. Checks
 * no JSON Schema can state (a route naming a configured cluster) stay with `parseConfig`.
 */
export function toJsonSchema(of: keyof typeof JSON_SCHEMA_SOURCES): Record<string, unknown> {
  return z.toJSONSchema(JSON_SCHEMA_SOURCES[of], { io: 'input', unrepresentable: 'any' });
}
